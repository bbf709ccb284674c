"""`kiosk tour --out DIR`: a PNG of every kiosk screen in standard and elder mode, zh_CN and en, portrait
(and the take-a-ticket path also landscape), rendered offscreen with no devices and no back office.

Each scene is reached the way a resident gets there: taps on the view-model's slots, a card handed to it as
the reader would, the in-process effects port answering (or refusing) the issue. The clock is stopped, so
every shot shows the same countdown. Each shot is also measured (kiosk.ui.audit); problems are printed and
make the command fail, so a screen that breaks its mode's promises cannot go unnoticed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TODAY = date(2026, 12, 1)
HOURS = {"opens": "08:30", "closes": "17:30"}


@dataclass
class StoppedClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True, slots=True)
class Scene:
    name: str
    steps: Callable[[Tour], None]
    landscape: bool = False  # the take-a-ticket path is also shown on a landscape panel
    modes: tuple[bool, ...] = (False, True)  # elder off / on


class Tour:
    """One window, reused: every scene starts at home with a fresh session."""

    def __init__(self) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("QT_QUICK_BACKEND", "software")
        from kiosk.flow.idle import IdleSettings
        from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
        from kiosk.ui.app import KioskWindow, Translations, application
        from kiosk.ui.catalogue_view import CatalogueView
        from kiosk.ui.effects import InProcessEffects
        from kiosk.ui.viewmodel import KioskViewModel

        self.app = application()
        catalogue = CatalogueView(load_catalogue(DEFAULT_CATALOGUE_PATH))
        windows = {m.id: (3, 4) if m.enterprise else (1, 2) for m in catalogue.catalogue.matters}
        self.port = InProcessEffects(catalogue.matter_infos(), windows)
        self.clock = StoppedClock()
        translations = Translations(self.app)
        self.vm = KioskViewModel(
            catalogue,
            self.port,
            idle=IdleSettings(),
            ticket_url=lambda tid: f"http://hall.local:8750/t/{tid}",
            clock=self.clock,
            today=lambda: TODAY,
            on_language=translations.use,
            tick=False,
        )
        self.kiosk = KioskWindow(self.vm, translations)
        self.window = self.kiosk.window

    # --- the resident's steps ----------------------------------------------------------------------

    def start(self, elder: bool, lang: str) -> None:
        self.vm.home()
        self.port.hold = False
        if self.vm.elder != elder:
            self.vm.setElder(elder)
        if self.vm.lang != lang:
            self.vm.setLanguage(lang)
        self.vm.declineElder()

    def card(self, age: int = 35, *, expired: bool = False) -> None:
        from kiosk.flow.model import Resident

        self.vm.card_read(
            Resident(
                birth_date=date(TODAY.year - age, 3, 1),
                valid_to=date(2020, 1, 1) if expired else None,
                number_ok=True,
                person_key=f"tour-{age}",
                display_name="王*",
            )
        )

    def to_matters(self, category: str = "social_insurance") -> None:
        if not self.vm.homeShowsCategories:
            self.vm.startTicket()
        self.vm.chooseCategory(category)

    def to_identify(self) -> None:
        self.to_matters()
        self.vm.chooseMatter("ss_card_replace")

    def to_green(self) -> None:
        self.to_identify()
        self.card(35)

    def to_confirm(self) -> None:
        self.to_green()
        self.vm.declareGreen("")

    def refuse(self, code: str, message: str, message_zh: str, **details: object) -> None:
        from kiosk.flow.model import Refusal

        self.port.answer = Refusal(code, message, message_zh, dict(details))
        self.to_confirm()
        self.vm.confirm()

    def reprint_offer(self) -> None:
        from kiosk.flow.model import IssuedTicket, Refusal

        self.port.existing = IssuedTicket("t9", "B007", "blue", "ss_card_replace", 4, 1200, (1, 2))
        self.port.answer = Refusal("already_waiting", "You already wait for this matter.", "您已取过该事项")
        self.to_confirm()
        self.vm.confirm()

    def issuing(self) -> None:
        self.port.hold = True
        self.to_confirm()
        self.vm.confirm()

    def ticket(self) -> None:
        self.to_confirm()
        self.vm.confirm()

    def idle_warning(self) -> None:
        self.to_matters()
        self.clock.now += self.vm.idle.timeout_s - 15
        self.vm.tick()

    # --- shooting ----------------------------------------------------------------------------------

    def shoot(self, path: Path) -> list[str]:
        from PySide6.QtCore import QCoreApplication

        from kiosk.ui.audit import audit
        from kiosk.ui.theme import mode

        self.clock.now += 2  # a countdown that has started, as a resident sees it
        self.vm.tick()
        for _ in range(3):
            QCoreApplication.processEvents()
        image = self.window.grabWindow()
        if image.isNull() or not image.save(str(path)):
            raise RuntimeError(f"could not render {path}")
        return audit(self.window).check(mode(self.vm.elder))


SCENES = (
    Scene("home", lambda t: None, landscape=True),
    Scene("categories", lambda t: t.vm.startTicket(), landscape=True, modes=(False,)),
    Scene("matters", Tour.to_matters, landscape=True),
    Scene("identify", Tour.to_identify, landscape=True),
    Scene("identify-card-expired", lambda t: (t.to_identify(), t.card(40, expired=True))),
    Scene("green-reasons", Tour.to_green, landscape=True),
    Scene("confirm", Tour.to_confirm, landscape=True),
    Scene("issuing", Tour.issuing),
    Scene("ticket", Tour.ticket, landscape=True),
    Scene("printer-fault", lambda t: (t.ticket(), t.vm.print_failed("printer_paper_out")), landscape=True),
    Scene("reprint-offer", Tour.reprint_offer),
    Scene(
        "quota-used",
        lambda t: t.refuse("quota_used", "All 40 numbers for today are taken.", "今日 40 个号已取完"),
    ),
    Scene(
        "outside-ticket-hours",
        lambda t: t.refuse(
            "outside_ticket_hours",
            "Numbers for this matter are given 08:30–11:30 and 13:30–16:30.",
            "本事项取号时间为 08:30–11:30、13:30–16:30",
        ),
    ),
    Scene("closed", lambda t: t.refuse("hall_closed", "The hall is closed today.", "今日大厅休息", **HOURS)),
    Scene("out-of-service", lambda t: t.refuse("unreachable", "", "")),
    Scene("idle-warning", Tour.idle_warning),
    Scene("elder-offer", lambda t: (t.to_identify(), t.card(72)), modes=(False,)),
)
LANGS = ("zh_CN", "en")


def run(out: Path, only: str | None = None) -> int:
    from kiosk.ui.app import LANDSCAPE, PORTRAIT

    out.mkdir(parents=True, exist_ok=True)
    tour = Tour()
    report: dict[str, list[str]] = {}
    count = 0
    for orientation, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        tour.kiosk.resize(size)
        for scene in SCENES:
            if (orientation == "landscape" and not scene.landscape) or (only and only not in scene.name):
                continue
            for elder in scene.modes:
                for lang in LANGS:
                    tour.start(elder, lang)
                    scene.steps(tour)
                    name = f"{scene.name}-{'elder' if elder else 'standard'}-{lang}-{orientation}.png"
                    problems = tour.shoot(out / name)
                    count += 1
                    if problems:
                        report[name] = problems
    (out / "audit.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"kiosk tour: {count} screens in {out}")
    for name, problems in report.items():
        for p in problems:
            print(f"  {name}: {p}", file=sys.stderr)
    tour.kiosk.close()
    return 1 if report else 0
