"""The kiosk's view-model under any order of taps, cards, answers and passing time (no QML needed): it never
raises, the countdown and its warning stay consistent, the timeout always leaves nothing personal behind,
and nothing is spoken while muted."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.flow.idle import IdleSettings
from kiosk.flow.model import GREEN_REASONS, Refusal, Resident
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from kiosk.ui.app import application
from kiosk.ui.catalogue_view import CatalogueView
from kiosk.ui.effects import InProcessEffects
from kiosk.ui.tour import StoppedClock
from kiosk.ui.viewmodel import KioskViewModel

TODAY = date(2026, 12, 1)
VIEW = CatalogueView(load_catalogue(DEFAULT_CATALOGUE_PATH))
MATTERS = VIEW.matter_infos()
SETTINGS = IdleSettings(timeout_s=60, elder_timeout_s=120, warn_s=20, max_extensions=3)
# The kiosk's own application object: a plain QCoreApplication here would break the QML tests that share
# this pytest process.
APP = application()


class KioskMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = StoppedClock()
        self.port = InProcessEffects(MATTERS, {})
        self.vm = KioskViewModel(
            VIEW, self.port, idle=SETTINGS, clock=self.clock, today=lambda: TODAY, tick=False
        )

    @rule()
    def start(self) -> None:
        self.vm.startTicket()

    @rule(cat=st.sampled_from(sorted({m.category for m in MATTERS.values()})))
    def category(self, cat: str) -> None:
        self.vm.chooseCategory(cat)

    @rule(mid=st.sampled_from(sorted(MATTERS)))
    def matter(self, mid: str) -> None:
        self.vm.chooseMatter(mid)

    @rule(reason=st.sampled_from(("", *GREEN_REASONS, "bogus")))
    def green(self, reason: str) -> None:
        self.vm.declareGreen(reason)

    @rule(code=st.sampled_from((None, "quota_used", "hall_closed", "already_waiting", "unreachable")))
    def confirm(self, code: str | None) -> None:
        self.port.answer = Refusal(code) if code else None
        self.vm.confirm()
        self.port.answer = None

    @rule(age=st.integers(10, 100), expired=st.booleans())
    def card(self, age: int, expired: bool) -> None:
        self.vm.card_read(
            Resident(date(TODAY.year - age, 5, 5), date(2020, 1, 1) if expired else None, True, f"k{age}")
        )

    @rule()
    def misc_taps(self) -> None:
        for tap in (self.vm.back, self.vm.acceptReprint, self.vm.hearAgain, self.vm.moreTime):
            tap()

    @rule(elder=st.booleans(), lang=st.sampled_from(("zh_CN", "en", "fr")))
    def settings(self, elder: bool, lang: str) -> None:
        self.vm.setElder(elder)
        self.vm.setLanguage(lang)

    @rule(code=st.sampled_from(("printer_paper_out", "printer_cover_open", "printer_offline")))
    def printer_fails(self, code: str) -> None:
        on_ticket = self.vm.screen == "ticket"
        self.vm.print_failed(code)
        assert self.vm.printFault == (code if on_ticket else "")

    @rule(up=st.booleans())
    def back_office(self, up: bool) -> None:
        before = self.vm.screen
        if up:
            self.vm.back_office_back()
        else:
            self.vm.back_office_lost()
            # Only an idle kiosk is taken out of service; a resident mid-way keeps their screen.
            assert self.vm.screen == ("out_of_service" if before == "home" else before)

    @rule()
    def mute(self) -> None:
        self.vm.toggleMute()

    @rule(seconds=st.floats(0, 200))
    def time_passes(self, seconds: float) -> None:
        timeout = self.vm.idle.timeout_s
        personal = self.vm.flow.resident is not None or self.vm.screen != "home"
        self.clock.now += seconds
        self.vm.tick()
        if seconds >= timeout and personal:
            assert self.vm.screen == "home"
            assert self.vm.flow.resident is None and self.vm.flow.ticket is None
            assert self.vm.ticket == {} and not self.vm.cardRead

    @invariant()
    def countdown_is_consistent(self) -> None:
        assert 0 <= self.vm.remaining <= self.vm.idle.timeout_s
        if self.vm.screen == "home" and self.vm.flow.resident is None:
            assert not self.vm.warning
        else:
            assert self.vm.warning == (self.vm.remaining <= SETTINGS.warn_s and self.vm.remaining > 0)

    @invariant()
    def silent_when_muted(self) -> None:
        if self.vm.muted:
            before = len(self.port.spoken)
            self.vm.hearAgain()
            assert len(self.port.spoken) == before

    @invariant()
    def printer_fault_shows_only_with_its_ticket(self) -> None:
        if self.vm.printFault:
            assert self.vm.screen == "ticket" and self.vm.ticket["number"]

    @invariant()
    def lang_is_supported(self) -> None:
        assert self.vm.lang in ("zh_CN", "en")

    def teardown(self) -> None:
        self.vm.stop()


KioskMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
test_any_sequence_keeps_the_view_model_sound = KioskMachine.TestCase
