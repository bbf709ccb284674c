"""`kiosk run`: the resident kiosk on its panel, with the back office and the devices.

Start-up: find the hall (the URL from --hall or the configuration, else zeroconf), read its catalogue and
counters, open the devices of the `[devices.*]` tables (ID-card reader, printer, speech; a device that
cannot be opened is reported and left out, the kiosk still issues tickets), then show the screens.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from drivers import registry
from drivers.base import Driver, DriverError, SettingsError
from kiosk.client import HallApiError, HallClient, HallUnreachable
from kiosk.client.discovery import find_hall
from kiosk.client.outbox import Outbox
from kiosk.config import Config

log = logging.getLogger("kiosk.run")

HEALTH_EVERY_MS = 3000
NO_DISPLAY = (
    "kiosk run: there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the kiosk's "
    "screens cannot be shown.\n"
    "  To see every screen as PNG files:  kiosk tour --out DIR\n"
    "  To run it without a screen (tests): QT_QPA_PLATFORM=offscreen kiosk run ..."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="hall configuration (TOML): [kiosk] and [devices.*]")
    p.add_argument("--hall", metavar="URL", help="the back office (default: kiosk.hall_url, else zeroconf)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen (demo)")
    p.add_argument("--elder", action="store_true", help="start in elder mode (长辈模式)")
    p.add_argument("--lang", choices=("zh_CN", "en"), help="start language (default: kiosk.locale)")
    p.add_argument(
        "--automation", action="store_true", help="read JSON commands on stdin (tests, benchmarks)"
    )


def has_display(env: Mapping[str, str]) -> bool:
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return True  # offscreen, eglfs, linuxfb, vnc: Qt draws without a desktop session
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def outbox_path(config: Config) -> Path:
    if config.kiosk.outbox:
        return Path(config.kiosk.outbox)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "hall-kiosk" / "outbox.sqlite"


def open_device(kind: str, config: Config) -> Driver | None:
    settings = config.devices.get(kind)
    if not settings:
        return None
    try:
        driver = registry.create(kind, settings)
        driver.open()
    except (SettingsError, DriverError, OSError) as exc:
        print(f"kiosk run: the {kind} cannot be used: {exc}", file=sys.stderr)
        return None
    return driver


def connect(url: str | None, token: str) -> tuple[HallClient, dict[str, Any], list[dict[str, Any]]]:
    """The back office and what the screens need from it; waits (saying so) until it answers."""
    delay = 0.5
    said = False
    while True:
        try:
            found = find_hall(url or None)
            client = HallClient(found, token, timeout=5.0)
            try:
                return client, client.catalogue().raw, list(client.get("/counters"))
            except BaseException:
                client.close()
                raise
        except (HallUnreachable, HallApiError) as exc:
            if not said:
                print(f"kiosk run: waiting for the back office: {exc}", file=sys.stderr, flush=True)
                said = True
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def windows_by_matter(counters: list[dict[str, Any]]) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for c in counters:
        for matter in c.get("serves") or ():
            out.setdefault(str(matter), set()).add(int(c["window"]))
    return {m: tuple(sorted(w)) for m, w in out.items()}


def run(args: argparse.Namespace, config: Config) -> int:
    if not has_display(os.environ):
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    started = time.monotonic()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would bury real problems
    url = args.hall or config.kiosk.hall_url or None
    client, catalogue_json, counters = connect(url, config.kiosk.token)

    from kiosk.ui.app import LANDSCAPE, PORTRAIT, KioskWindow, Translations, application
    from kiosk.ui.cardreader import CardWatch
    from kiosk.ui.catalogue_view import CatalogueView, catalogue_from_api
    from kiosk.ui.port import HallEffects
    from kiosk.ui.viewmodel import KioskViewModel
    from queue_display.qtapp import Jobs

    app = application()
    hall = catalogue_json.get("hall") or {}
    public_url = config.hall.public_url or f"{client.base_url}/t/"
    printer = open_device("printer", config)
    speech = open_device("speech", config)
    reader = open_device("idcard", config)
    outbox = Outbox(outbox_path(config))
    port = HallEffects(
        client,
        device_id=config.kiosk.device_id,
        hall_name=(str(hall.get("name", config.hall.name)), str(hall.get("name_en", config.hall.name_en))),
        public_url=public_url,
        tz=ZoneInfo(config.hall.timezone),
        printer=printer,  # type: ignore[arg-type]
        speech=speech,  # type: ignore[arg-type]
        outbox=outbox,
        windows=windows_by_matter(counters),
    )
    view = CatalogueView(catalogue_from_api(catalogue_json))
    translations = Translations(app)
    vm = KioskViewModel(
        view,
        port,
        green_age=int(catalogue_json.get("green_age", config.queue.green_age)),
        ticket_url=lambda ticket_id: public_url + ticket_id,
        elder=args.elder,
        lang=args.lang or config.kiosk.locale,
        on_language=translations.use,
    )
    port.on_print_failed = vm.print_failed
    kiosk = KioskWindow(vm, translations, PORTRAIT)
    window = kiosk.window
    screen = app.primaryScreen()
    if screen is not None and screen.size().width() > screen.size().height():
        kiosk.resize(LANDSCAPE)
    if args.windowed:
        window.show()
    else:
        window.showFullScreen()

    watch = CardWatch(reader, vm.card_read, vm.card_error) if reader is not None else None  # type: ignore[arg-type]
    if watch is not None:
        watch.start()
    health = Jobs("kiosk-health")
    _watch_back_office(app, health, client, vm.back_office_lost, vm.back_office_back)

    keep: list[object] = []
    if args.automation:
        from queue_display.automation import Automation

        keep.append(Automation(window, _automation_commands(vm, window, started)))
        print(json.dumps({"ready": True}), flush=True)
    log.info("kiosk run: home screen after %.2f s", time.monotonic() - started)
    try:
        return int(app.exec())
    finally:
        if watch is not None:
            watch.stop()
        health.shutdown()
        kiosk.close()
        port.close()
        for device in (printer, speech, reader):
            if device is not None:
                device.close()
        outbox.close()
        client.close()
        del keep


def _watch_back_office(
    app: Any, jobs: Any, client: HallClient, lost: Callable[[], None], back: Callable[[], None]
) -> None:
    """Ask /health every few seconds on a worker; an idle kiosk shows out-of-service while it is away."""
    from PySide6.QtCore import QTimer

    state = {"busy": False}

    def answered(ok: bool, _value: object) -> None:
        state["busy"] = False
        (back if ok else lost)()

    def ask() -> None:
        if not state["busy"]:
            state["busy"] = True
            jobs.submit(client.health, answered)

    timer = QTimer(app, interval=HEALTH_EVERY_MS)
    timer.timeout.connect(ask)
    timer.start()


def _automation_commands(vm: Any, window: Any, started: float) -> dict[str, Callable[[dict[str, Any]], Any]]:
    from kiosk.ui.audit import audit
    from kiosk.ui.theme import mode

    def state(_cmd: dict[str, Any]) -> dict[str, Any]:
        return {
            "screen": vm.screen,
            "ticket": {k: v for k, v in vm.ticket.items() if k not in ("qr",)},
            "printFault": vm.printFault,
            "cardRead": vm.cardRead,
            "cardProblem": vm.cardProblem,
            "elder": vm.elder,
            "elderOffer": vm.elderOffer,
            "since_start_s": time.monotonic() - started,
        }

    return {
        "state": state,
        "audit": lambda _cmd: audit(window).check(mode(vm.elder)),
        "elder": lambda cmd: vm.setElder(bool(cmd.get("on", True))),
        "decline_elder": lambda _cmd: vm.declineElder(),
    }
