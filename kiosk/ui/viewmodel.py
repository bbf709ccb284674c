"""The kiosk's view-model: a thin QObject over `TicketFlow` and `IdleClock` for the QML screens.

It owns no flow: every tap is one call on the flow machine, then the machine's effects go to the effects
port (`kiosk.ui.effects`). What QML shows is read from the machine after each call, so QML cannot decide
where the resident goes. Time comes from injected clocks, so the tour and the tests can stop it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import qrcode
from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.flow.idle import IdleClock, IdleSettings
from kiosk.flow.model import GREEN_REASONS, IssuedTicket, Resident, Screen
from kiosk.flow.ticket import Effect, FlowError, Issue, OfferElderMode, Print, Reprint, Speak, TicketFlow
from kiosk.ui.catalogue_view import CatalogueView
from kiosk.ui.effects import EffectsPort, IssueOutcome
from queue_display.qtapp import emit
from queue_display.theme import COLOURS

LANGUAGES = ("zh_CN", "en")
TICK_MS = 250
VOLUME_STEP = 10


class KioskViewModel(QObject):
    screenChanged = Signal()  # the screen and everything the session shows on it
    clockChanged = Signal()  # the idle countdown and its warning
    settingsChanged = Signal()  # elder mode, language, volume

    def __init__(
        self,
        catalogue: CatalogueView,
        port: EffectsPort,
        *,
        green_age: int = 60,
        idle: IdleSettings | None = None,
        ticket_url: Callable[[str], str] = lambda ticket_id: f"/t/{ticket_id}",
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        elder: bool = False,
        lang: str = "zh_CN",
        on_language: Callable[[str], None] | None = None,
        tick: bool = True,
    ) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.port = port
        self._clock = clock
        self._today = today
        self._ticket_url = ticket_url
        self._on_language = on_language
        self.flow = TicketFlow(catalogue.matter_infos(), green_age, elder=elder)
        self.idle = IdleClock(idle or IdleSettings(), clock(), elder=elder)
        self._lang = lang if lang in LANGUAGES else LANGUAGES[0]
        self._volume = 70
        self._muted = False
        self._elder_offer = False
        self._last_prompt: Speak | None = None
        self._remaining = self.idle.remaining_s(clock())
        self._warning = False
        self._draining = False
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.tick)
        if tick:
            self._timer.start()
        self._drain()

    # --- what the screens show ---------------------------------------------------------------------

    def _screen(self) -> str:
        return self.flow.screen.value

    def _can_go_back(self) -> bool:
        return self.flow.can_go_back

    def _categories(self) -> list[dict[str, str]]:
        return self.catalogue.categories(self._lang)

    def _matters(self) -> list[dict[str, str]]:
        return self.catalogue.matters(self.flow.category, self._lang)

    def _category_name(self) -> str:
        return self.catalogue.category_name(self.flow.category, self._lang)

    def _matter_name(self) -> str:
        return self.catalogue.matter_name(self.flow.matter.id if self.flow.matter else None, self._lang)

    def _green(self) -> bool:
        # Whether the coming ticket is green; the reason itself is never shown.
        return self.flow.green_reason is not None

    def _card_problem(self) -> str:
        return self.flow.card_problem or ""

    def _print_fault(self) -> str:
        return self.flow.print_problem or ""

    def _card_read(self) -> bool:
        return self.flow.resident is not None

    def _ticket(self) -> dict[str, Any]:
        t = self.flow.ticket
        return ticket_view(t, self._lang, self._ticket_url(t.id)) if t else {}

    def _refusal(self) -> dict[str, Any]:
        r = self.flow.refusal
        if r is None:
            return {}
        message = r.message_zh if self._lang == "zh_CN" else r.message
        return {
            "code": r.code,
            "message": message or r.message or r.message_zh,
            "opens": str(r.details.get("opens", "")),
            "closes": str(r.details.get("closes", "")),
        }

    screen = Property(str, _screen, notify=screenChanged)
    canGoBack = Property(bool, _can_go_back, notify=screenChanged)
    canGoHome = Property(bool, lambda self: self.flow.can_go_home, notify=screenChanged)
    categories = Property("QVariantList", _categories, notify=screenChanged)
    matters = Property("QVariantList", _matters, notify=screenChanged)
    categoryName = Property(str, _category_name, notify=screenChanged)
    matterName = Property(str, _matter_name, notify=screenChanged)
    green = Property(bool, _green, notify=screenChanged)
    cardProblem = Property(str, _card_problem, notify=screenChanged)
    cardRead = Property(bool, _card_read, notify=screenChanged)
    printFault = Property(str, _print_fault, notify=screenChanged)
    ticket = Property("QVariantMap", _ticket, notify=screenChanged)
    refusal = Property("QVariantMap", _refusal, notify=screenChanged)
    greenReasons = Property("QVariantList", lambda self: list(GREEN_REASONS), constant=True)
    elderOffer = Property(bool, lambda self: self._elder_offer, notify=screenChanged)

    remaining = Property(int, lambda self: self._remaining, notify=clockChanged)
    warning = Property(bool, lambda self: self._warning, notify=clockChanged)
    canExtend = Property(bool, lambda self: self.idle.can_extend, notify=clockChanged)

    elder = Property(bool, lambda self: self.flow.elder, notify=settingsChanged)
    homeShowsCategories = Property(bool, lambda self: self.flow.home_shows_categories, notify=settingsChanged)
    lang = Property(str, lambda self: self._lang, notify=settingsChanged)
    volume = Property(int, lambda self: self._volume, notify=settingsChanged)
    muted = Property(bool, lambda self: self._muted, notify=settingsChanged)

    # --- the resident's taps -----------------------------------------------------------------------

    @Slot()
    def startTicket(self) -> None:
        self._tap(self.flow.start_ticket)

    @Slot(str)
    def chooseCategory(self, category: str) -> None:
        self._tap(lambda: self.flow.choose_category(category))

    @Slot(str)
    def chooseMatter(self, matter_id: str) -> None:
        self._tap(lambda: self.flow.choose_matter(matter_id, self._today()))

    @Slot(str)
    def declareGreen(self, reason: str) -> None:
        """ "" is "none of these"."""
        self._tap(lambda: self.flow.declare_green(reason or None))

    @Slot()
    def confirm(self) -> None:
        self._tap(self.flow.confirm)

    @Slot()
    def acceptReprint(self) -> None:
        self._tap(self.flow.accept_reprint)

    @Slot()
    def back(self) -> None:
        self._tap(self.flow.back)

    @Slot()
    def home(self) -> None:
        self._elder_offer = False
        if self.flow.pending_issue is not None:
            # The resident left while the back office was away: stop asking for a number nobody will see.
            self.port.abandon(self.flow.pending_issue.idempotency_key)
        self._tap(self.flow.home)
        self.idle.reset(self._clock())
        self._update_clock()

    @Slot(bool)
    def setElder(self, elder: bool) -> None:
        self._elder_offer = False
        self._tap(lambda: self.flow.set_elder(elder))
        self.idle.touch(self._clock(), elder=elder)
        self._update_clock()
        emit(self.settingsChanged)

    @Slot()
    def declineElder(self) -> None:
        self._elder_offer = False
        self._tap(lambda: None)

    @Slot(str)
    def setLanguage(self, lang: str) -> None:
        if lang not in LANGUAGES:
            return
        self._lang = lang
        if self._on_language is not None:
            self._on_language(lang)  # loads the Qt translator and retranslates the QML
        self._touch()
        emit(self.settingsChanged)
        emit(self.screenChanged)  # names and messages from the catalogue and the back office

    @Slot()
    def hearAgain(self) -> None:
        self._touch()
        if self._last_prompt is not None:
            self._say(self._last_prompt)

    @Slot(int)
    def changeVolume(self, steps: int) -> None:
        self._volume = max(0, min(100, self._volume + steps * VOLUME_STEP))
        self._muted = False
        self.port.set_volume(self._volume, self._muted)
        self._touch()
        emit(self.settingsChanged)

    @Slot()
    def toggleMute(self) -> None:
        self._muted = not self._muted
        self.port.set_volume(self._volume, self._muted)
        self._touch()
        emit(self.settingsChanged)

    @Slot()
    def moreTime(self) -> None:
        self.idle.extend(self._clock())
        self._update_clock()

    # --- devices (called by the device adapter on the GUI thread) -------------------------------------

    def card_read(self, resident: Resident) -> None:
        self._tap(lambda: self.flow.card_read(resident, self._today()))

    def card_error(self, code: str) -> None:
        self._tap(lambda: self.flow.card_error(code))

    def print_failed(self, code: str) -> None:
        self._tap(lambda: self.flow.print_failed(code))

    def back_office_lost(self) -> None:
        """Only a resident who is not in the middle of something is sent to the out-of-service screen; one
        taking a ticket learns it when the issue itself goes unanswered."""
        if self.flow.screen is Screen.HOME:
            self._tap(self.flow.unreachable)

    def back_office_back(self) -> None:
        # A retried issue still on its way moves the flow itself when its answer comes.
        if self.flow.screen is Screen.OUT_OF_SERVICE and self.flow.pending_issue is None:
            self._tap(self.flow.back_in_service)

    # --- the idle clock ----------------------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        now = self._clock()
        if self._idle_home():
            self.idle.reset(now)  # nobody is there: nothing to count down
        elif self.idle.expired(now):
            self.home()
            return
        self._update_clock()

    def _idle_home(self) -> bool:
        return self.flow.screen is Screen.HOME and self.flow.resident is None

    def _update_clock(self) -> None:
        now = self._clock()
        remaining = self.idle.remaining_s(now)
        warning = self.idle.warning(now) and not self._idle_home()
        if (remaining, warning) != (self._remaining, self._warning):
            self._remaining, self._warning = remaining, warning
            emit(self.clockChanged)

    def _touch(self) -> None:
        self.idle.touch(self._clock(), elder=self.flow.elder)
        self._update_clock()

    # --- running the flow and its effects ----------------------------------------------------------

    def _tap(self, action: Callable[[], None]) -> None:
        self._touch()
        # A tap the screen no longer offers (a double tap racing a screen change) is ignored.
        with contextlib.suppress(FlowError):
            action()
        self._drain()

    def _drain(self) -> None:
        """Hand the flow's effects to the port; an answer that comes back at once adds more, handled here."""
        if self._draining:
            return
        self._draining = True
        try:
            while effects := self.flow.take_effects():
                for effect in effects:
                    self._run(effect)
        finally:
            self._draining = False
        emit(self.screenChanged)

    def _run(self, effect: Effect) -> None:
        match effect:
            case Speak(prompt=prompt) if prompt.startswith("screen."):
                self._last_prompt = effect
                if self.flow.elder:  # elder mode speaks every screen; standard mode on request
                    self._say(effect)
            case Speak():
                self._last_prompt = effect
                self._say(effect)
            case Issue():
                self.port.issue(effect, self._answered)
            case Print(ticket=ticket):
                self.port.print_ticket(ticket, self._lang)
            case Reprint(ticket_id=ticket_id):
                self.port.reprint(ticket_id, self._lang)
            case OfferElderMode():
                self._elder_offer = True
                self.port.offer_elder_mode()

    def _say(self, speak: Speak) -> None:
        if not self._muted:
            self.port.speak(speak.prompt, dict(speak.params), self._lang)

    def _answered(self, outcome: IssueOutcome) -> None:
        # If the resident went home before the answer came, the ticket stays with the back office.
        with contextlib.suppress(FlowError):
            if outcome.ticket is not None:
                self.flow.issued(outcome.ticket)
            elif outcome.refusal is not None:
                self.flow.refused(outcome.refusal, outcome.existing)
            else:
                self.flow.unreachable()
        self._drain()

    def stop(self) -> None:
        self._timer.stop()


def ticket_view(t: IssuedTicket, lang: str, url: str) -> dict[str, Any]:
    style = COLOURS.get(t.colour)
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    return {
        "id": t.id,
        "number": t.number,
        "colour": t.colour,
        "colourName": (style.name_zh if lang == "zh_CN" else style.name_en) if style else t.colour,
        "symbol": style.symbol if style else "",
        "windows": ("、" if lang == "zh_CN" else ", ").join(str(w) for w in t.windows),
        "windowCount": len(t.windows),
        "ahead": -1 if t.waiting_ahead is None else t.waiting_ahead,
        "waitMin": -1 if t.estimated_wait_s is None else max(1, round(t.estimated_wait_s / 60)),
        "reprint": t.reprint,
        "url": url,
        "qrSize": len(matrix),
        "qr": [1 if cell else 0 for row in matrix for cell in row],
    }
