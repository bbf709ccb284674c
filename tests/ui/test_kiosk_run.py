"""`kiosk run` end to end with real processes: `kiosk serve` on loopback, the ID-card reader simulator on a
pty, the printer simulator on a loopback socket, and the kiosk itself offscreen, driven by taps through
the automation channel. A card is placed, a ticket is committed, printed (the job decoded) and shown in
the right colour; with the paper out the ticket is still shown and the fault reaches the back office."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.printer.interpret import interpret
from kiosk.simulate import Simulator, _settings, _start
from tests.ui.test_board_support import ENTERPRISE, SOCIAL, BoardProcess, Hall, running_hall, setup_counters

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")

ORDINARY_CATEGORY = "social_insurance"
ENTERPRISE_CATEGORY = "enterprise"


def _toml_table(name: str, values: dict[str, Any]) -> list[str]:
    return [f"[{name}]", *(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in values.items()), ""]


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    (tmp_path / "hall").mkdir()
    with running_hall(tmp_path / "hall") as h:
        setup_counters(h.api)
        yield h


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[dict[str, Simulator]]:
    sims: dict[str, Simulator] = {}
    try:
        for kind, args in (
            ("idcard", ["--link", str(tmp_path / "ttyIDCARD"), "--timing", "fast"]),
            ("printer", ["--tcp", "127.0.0.1:0", "--jobs", str(tmp_path / "jobs")]),
        ):
            proc, info = _start(kind, args)
            sims[kind] = Simulator(kind, proc, info, _settings(kind, info))
        yield sims
    finally:
        for sim in sims.values():
            sim.stop()


def kiosk_config(tmp_path: Path, hall: Hall, sims: dict[str, Simulator]) -> Path:
    lines = _toml_table(
        "kiosk",
        {
            "hall_url": hall.url,
            "token": hall.api.tokens["kiosk"],
            "device_id": "kiosk-7",
            "outbox": str(tmp_path / "outbox.sqlite"),
        },
    )
    lines += _toml_table("devices.idcard", {**sims["idcard"].settings, "poll_interval": 0.1})
    lines += _toml_table("devices.printer", {**sims["printer"].settings, "poll_interval_s": 0.5})
    lines += _toml_table(
        "devices.speech", {"driver": "espeak-ng", "output": "wav-dir", "wav_dir": str(tmp_path / "voice")}
    )
    path = tmp_path / "kiosk.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def printed(jobs: Path) -> list[str]:
    """Each stored job's text lines, decoded by the printer driver's own ESC/POS interpreter."""
    return [
        "\n".join(line.text for line in interpret(p.read_bytes(), 576).lines)
        for p in sorted(jobs.glob("job-*.bin"))
    ]


def state(kiosk: BoardProcess) -> dict[str, Any]:
    return dict(kiosk.ask(cmd="state"))


def on_screen(kiosk: BoardProcess, screen: str, timeout: float = 15.0) -> dict[str, Any]:
    return dict(kiosk.wait_for(lambda: (s := state(kiosk))["screen"] == screen and s, timeout))


def take_ticket(kiosk: BoardProcess, category: str, matter: str) -> dict[str, Any]:
    """From home with the card already read: the taps a resident makes, to the ticket on screen."""
    kiosk.ask(cmd="click", name="takeTicket")
    on_screen(kiosk, "categories")
    kiosk.ask(cmd="click", name=f"tile_{category}")
    on_screen(kiosk, "matters")
    kiosk.ask(cmd="click", name=f"tile_{matter}")
    if state(kiosk)["screen"] == "green_reasons":
        kiosk.ask(cmd="click", name="reason_none")
    on_screen(kiosk, "confirm")
    kiosk.ask(cmd="click", name="confirmButton")
    return on_screen(kiosk, "ticket")


def place(kiosk: BoardProcess, reader: Simulator, card: str) -> dict[str, Any]:
    assert reader.command("remove")["ok"]
    assert reader.command(f"place {card}")["ok"]
    return dict(kiosk.wait_for(lambda: (s := state(kiosk))["cardRead"] and s, 15))


def test_cards_taps_tickets_paper_and_a_printer_fault(
    tmp_path: Path, hall: Hall, devices: dict[str, Simulator]
) -> None:
    config = kiosk_config(tmp_path, hall, devices)
    reader, printer = devices["idcard"], devices["printer"]
    jobs = tmp_path / "jobs"
    kiosk = BoardProcess(["--config", str(config)], tmp_path / "kiosk.log", module=("kiosk", "run"))
    try:
        assert state(kiosk)["screen"] == "home"

        # An elderly resident: the card alone makes the ticket green (and offers elder mode, declined).
        read = place(kiosk, reader, "elderly")
        assert read["elderOffer"]
        kiosk.ask(cmd="decline_elder")
        green = take_ticket(kiosk, ORDINARY_CATEGORY, SOCIAL)["ticket"]
        assert green["colour"] == "green" and green["number"].startswith("G")
        assert kiosk.wait_for(lambda: len(printed(jobs)) == 1)
        assert green["number"] in printed(jobs)[0]
        assert hall.api.get(f"/tickets/{green['id']}").json()["colour"] == "green"
        # Going home forgets the card; lying on the reader still, it is not read a second time.
        kiosk.ask(cmd="click", name="doneButton")
        assert not on_screen(kiosk, "home")["cardRead"]
        time.sleep(1.0)  # ten polls of the reader
        assert not state(kiosk)["cardRead"]

        # An adult for an enterprise matter: yellow.
        place(kiosk, reader, "young")
        yellow = take_ticket(kiosk, ENTERPRISE_CATEGORY, ENTERPRISE)["ticket"]
        assert yellow["colour"] == "yellow" and yellow["number"].startswith("Y")
        assert kiosk.wait_for(lambda: len(printed(jobs)) == 2)
        assert yellow["number"] in printed(jobs)[1]
        kiosk.ask(cmd="click", name="doneButton")
        on_screen(kiosk, "home")

        # An adult for an ordinary matter: blue.
        place(kiosk, reader, "young")
        blue = take_ticket(kiosk, ORDINARY_CATEGORY, SOCIAL)["ticket"]
        assert blue["colour"] == "blue" and blue["number"].startswith("B")
        assert kiosk.wait_for(lambda: len(printed(jobs)) == 3)
        assert blue["number"] in printed(jobs)[2]
        kiosk.ask(cmd="click", name="doneButton")
        on_screen(kiosk, "home")

        # Paper out: the ticket is issued and shown with the printer's words; nothing is printed; the
        # fault reaches the back office as a device report through the outbox.
        assert printer.command("paper out")["ok"]
        place(kiosk, reader, "young")
        take_ticket(kiosk, ORDINARY_CATEGORY, SOCIAL)
        fault = kiosk.wait_for(lambda: (s := state(kiosk))["printFault"] and s)
        assert fault["screen"] == "ticket" and fault["printFault"] == "printer_paper_out"
        assert fault["ticket"]["number"].startswith("B")
        assert kiosk.prop("printFault", "visible") is True
        assert hall.api.get(f"/tickets/{fault['ticket']['id']}").json()["status"] == "waiting"
        assert len(printed(jobs)) == 3

        def reported() -> dict[str, Any] | None:
            found = [d for d in hall.api.get("/devices", "technician").json() if d["id"] == "kiosk-7-printer"]
            return found[0] if found else None

        report = kiosk.wait_for(reported, 15)
        assert report["status"] == "fault" and report["details"]["code"] == "printer_paper_out"
        kiosk.ask(cmd="click", name="doneButton")
        assert on_screen(kiosk, "home")["printFault"] == ""
    finally:
        code = kiosk.close()
    assert code == 0, kiosk.log()
    assert "Traceback" not in kiosk.log(), kiosk.log()


def test_without_a_display_it_says_so_and_points_to_the_tour(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--hall", "http://127.0.0.1:9"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no display" in done.stderr and "kiosk tour --out DIR" in done.stderr


def test_a_ticket_asked_for_while_the_back_office_is_away_arrives_once_when_it_is_back(
    tmp_path: Path, hall: Hall, devices: dict[str, Simulator]
) -> None:
    config = kiosk_config(tmp_path, hall, devices)
    kiosk = BoardProcess(["--config", str(config)], tmp_path / "kiosk.log", module=("kiosk", "run"))
    try:
        place(kiosk, devices["idcard"], "young")
        kiosk.ask(cmd="click", name="takeTicket")
        on_screen(kiosk, "categories")
        kiosk.ask(cmd="click", name=f"tile_{ORDINARY_CATEGORY}")
        on_screen(kiosk, "matters")
        kiosk.ask(cmd="click", name=f"tile_{SOCIAL}")
        kiosk.ask(cmd="click", name="reason_none")
        on_screen(kiosk, "confirm")
        hall.proc.stop()
        kiosk.ask(cmd="click", name="confirmButton")
        on_screen(kiosk, "out_of_service")
        time.sleep(2.0)  # several retries, all unanswered
        hall.proc.start()
        ticket = on_screen(kiosk, "ticket", timeout=30)["ticket"]
        issued = hall.api.get(f"/tickets/{ticket['id']}").json()
        assert issued["number"] == ticket["number"] and issued["status"] == "waiting"
        # One request, retried with one key: one ticket, whatever the back office saw of the attempts.
        queue = hall.api.get("/queue", "display").json()
        assert sum(queue["waiting"].values()) == 1, queue
    finally:
        code = kiosk.close()
    assert code == 0, kiosk.log()
