"""Taking a ticket, as a UI-free state machine: the screens, what each tap does, and what must happen next.

The machine owns the flow; a thin QObject adapter shows `screen`, forwards taps and device events as method
calls, and carries out the effects it takes from `take_effects()` (speak, issue, print) on worker threads,
feeding their outcome back (`issued`, `refused`, `unreachable`). `now` is always an argument, so every
path is tested with plain pytest.

Path (standard mode): home → categories → matters → identify (card or QR; skipped when the matter needs no
ID) → green reasons (skipped when the card's age already makes the ticket green) → confirm → ticket.
Elder mode shows the categories on home itself, so an elderly resident reaches a ticket in three taps
(category, matter, confirm) and anyone in four.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from kiosk.flow.model import GREEN_REASONS, IssuedTicket, MatterInfo, Refusal, Resident, Screen

# Refusals that are not "try another matter" but a state of the whole hall.
_CLOSED_CODES = frozenset({"hall_closed"})
_REPRINT_CODES = frozenset({"already_waiting"})


@dataclass(frozen=True, slots=True)
class Speak:
    """Say the prompt of a screen or a result; `params` fill its template. A new Speak cuts the old one."""

    prompt: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Issue:
    matter: str
    green_reason: str | None
    person_key: str | None
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class Print:
    ticket: IssuedTicket


@dataclass(frozen=True, slots=True)
class Reprint:
    ticket_id: str


@dataclass(frozen=True, slots=True)
class OfferElderMode:
    """The card shows an age at or over green_age and the kiosk is in standard mode."""


Effect = Speak | Issue | Print | Reprint | OfferElderMode


class FlowError(RuntimeError):
    """A tap that the current screen does not offer: a bug in the adapter or the QML, never the resident's."""


class TicketFlow:
    def __init__(
        self,
        matters: Mapping[str, MatterInfo],
        green_age: int,
        *,
        elder: bool = False,
        new_key: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._matters = dict(matters)
        self.green_age = green_age
        self.elder = elder
        self._new_key = new_key
        self._effects: list[Effect] = []
        self.screen = Screen.HOME
        self._history: list[Screen] = []
        self._clear_session()

    # --- what the screens show ---------------------------------------------------------------------

    @property
    def home_shows_categories(self) -> bool:
        return self.elder

    @property
    def can_go_back(self) -> bool:
        return bool(self._history) and self.screen not in (Screen.ISSUING, Screen.TICKET)

    @property
    def can_go_home(self) -> bool:
        """Not while a ticket is being issued: leaving then would strand a number nobody sees."""
        return self.screen not in (Screen.HOME, Screen.ISSUING)

    def take_effects(self) -> list[Effect]:
        out, self._effects = self._effects, []
        return out

    # --- the resident's taps -----------------------------------------------------------------------

    def start_ticket(self) -> None:
        self._expect(Screen.HOME)
        self._go(Screen.CATEGORIES)

    def choose_category(self, category: str) -> None:
        self._expect(Screen.CATEGORIES, *((Screen.HOME,) if self.home_shows_categories else ()))
        if not any(m.category == category for m in self._matters.values()):
            raise FlowError(f"no matter in category {category!r}")
        self.category = category
        self._go(Screen.MATTERS)

    def choose_matter(self, matter_id: str, today: date) -> None:
        """From the matter list, or from search (which may be opened on any screen before identify)."""
        self._expect(Screen.MATTERS, Screen.CATEGORIES, Screen.HOME)
        matter = self._matters.get(matter_id)
        if matter is None:
            raise FlowError(f"unknown matter {matter_id!r}")
        self.matter = matter
        self.category = matter.category
        self._after_matter(today)

    def declare_green(self, reason: str | None) -> None:
        """None: no priority reason. The reason goes to the back office as a code and is never shown."""
        self._expect(Screen.GREEN_REASONS)
        if reason is not None and reason not in GREEN_REASONS:
            raise FlowError(f"unknown green reason {reason!r}")
        self.green_reason = reason
        self._go(Screen.CONFIRM)

    def confirm(self) -> None:
        self._expect(Screen.CONFIRM)
        assert self.matter is not None
        self._issue_key = self._new_key()
        self._go(Screen.ISSUING, remember=False)
        self._effects.append(
            Issue(
                matter=self.matter.id,
                green_reason=self.green_reason,
                person_key=self.resident.person_key if self.resident else None,
                idempotency_key=self._issue_key,
            )
        )

    def accept_reprint(self) -> None:
        self._expect(Screen.REPRINT_OFFER)
        assert self.ticket is not None
        self._effects.append(Reprint(self.ticket.id))
        self._go(Screen.TICKET, remember=False)

    def back(self) -> None:
        if not self.can_go_back:
            raise FlowError(f"no way back from {self.screen}")
        self.screen = self._history.pop()
        self._announce()

    def home(self) -> None:
        """The home button, the idle timeout and the end of a ticket: everything personal is dropped."""
        self.wipe()
        self.screen = Screen.HOME
        self._history.clear()
        self._announce()

    def set_elder(self, elder: bool) -> None:
        self.elder = elder
        self._announce()

    # --- devices -----------------------------------------------------------------------------------

    def card_read(self, resident: Resident, today: date) -> None:
        """A card can be placed on any screen; it counts for this session and moves identify along."""
        if self.screen in (Screen.ISSUING, Screen.TICKET, Screen.OUT_OF_SERVICE, Screen.CLOSED):
            return
        problem = _card_problem(resident, today)
        if problem:
            self.card_problem = problem
            self._effects.append(Speak(f"card.{problem}"))
            return
        self.card_problem = None
        self.resident = resident
        if resident.age_on(today) >= self.green_age and not self.elder:
            self._effects.append(OfferElderMode())
        if self.screen is Screen.IDENTIFY:
            self._after_identity(today)

    def card_error(self, code: str) -> None:
        """The reader could not read the card: a friendly retry prompt, in words and voice."""
        self.card_problem = code
        self._effects.append(Speak("card.retry", (("code", code),)))

    # --- what the back office answered ---------------------------------------------------------------

    def issued(self, ticket: IssuedTicket) -> None:
        # Also after an outage: the retried Issue (same key) came through while the resident waited.
        self._expect(Screen.ISSUING, Screen.OUT_OF_SERVICE)
        self.ticket = ticket
        self._go(Screen.TICKET, remember=False)
        self._effects.append(Print(ticket))

    def print_failed(self, code: str) -> None:
        """The printer could not print the ticket on screen (out of paper, cover open, offline): the ticket
        stands, and the screen and the voice ask the resident to photograph or remember the number."""
        if self.screen is not Screen.TICKET or self.ticket is None:
            return  # the resident has already gone: the fault still reaches the back office
        self.print_problem = code
        self._effects.append(Speak("ticket.print_failed", (("number", self.ticket.number), ("code", code))))

    def refused(self, refusal: Refusal, existing: IssuedTicket | None = None) -> None:
        self._expect(Screen.ISSUING, Screen.OUT_OF_SERVICE)
        self.refusal = refusal
        if refusal.code in _REPRINT_CODES and existing is not None:
            self.ticket = existing
            self._go(Screen.REPRINT_OFFER, remember=False)
        elif refusal.code in _CLOSED_CODES:
            self._go(Screen.CLOSED, remember=False)
        else:
            self._go(Screen.REFUSED, remember=False)

    def unreachable(self) -> None:
        """No answer: the ticket may or may not exist, so the adapter retries the same Issue (same key)."""
        self._go(Screen.OUT_OF_SERVICE, remember=False)

    def back_in_service(self) -> None:
        self._expect(Screen.OUT_OF_SERVICE)
        self.home()

    @property
    def pending_issue(self) -> Issue | None:
        """The issue to retry after an outage: the same key, so the back office never issues it twice."""
        if self._issue_key is None or self.matter is None or self.ticket is not None:
            return None
        return Issue(
            self.matter.id,
            self.green_reason,
            self.resident.person_key if self.resident else None,
            self._issue_key,
        )

    # --- privacy -----------------------------------------------------------------------------------

    def wipe(self) -> None:
        """Forget everything this session learned about the person at the kiosk."""
        self._clear_session()

    def _clear_session(self) -> None:
        self.category: str | None = None
        self.matter: MatterInfo | None = None
        self.resident: Resident | None = None
        self.green_reason: str | None = None
        self.card_problem: str | None = None
        self.ticket: IssuedTicket | None = None
        self.print_problem: str | None = None
        self.refusal: Refusal | None = None
        self._issue_key: str | None = None

    # --- internals ---------------------------------------------------------------------------------

    def _after_matter(self, today: date) -> None:
        assert self.matter is not None
        if self.matter.id_required and self.resident is None:
            self._go(Screen.IDENTIFY)
        else:
            self._after_identity(today)

    def _after_identity(self, today: date) -> None:
        if self.resident is not None and self.resident.age_on(today) >= self.green_age:
            self.green_reason = "age"
            self._go(Screen.CONFIRM)
        else:
            self._go(Screen.GREEN_REASONS)

    def _go(self, screen: Screen, *, remember: bool = True) -> None:
        if remember:
            self._history.append(self.screen)
        else:
            self._history.clear()
        self.screen = screen
        self._announce()

    def _announce(self) -> None:
        self._effects.append(Speak(f"screen.{self.screen.value}", self._prompt_params()))

    def _prompt_params(self) -> tuple[tuple[str, str], ...]:
        """What a result screen's prompt says besides its words: the number and where to go, or which
        refusal. Never the green reason."""
        t = self.ticket
        if self.screen in (Screen.TICKET, Screen.REPRINT_OFFER) and t is not None:
            params = [("number", t.number), ("colour", t.colour)]
            if t.waiting_ahead is not None:
                params.append(("waiting", str(t.waiting_ahead)))
            if t.windows:
                params.append(("window", str(t.windows[0])))
            return tuple(params)
        if self.screen in (Screen.REFUSED, Screen.CLOSED) and self.refusal is not None:
            return (("code", self.refusal.code),)
        return ()

    def _expect(self, *screens: Screen) -> None:
        if self.screen not in screens:
            raise FlowError(f"not offered on {self.screen}")


def _card_problem(resident: Resident, today: date) -> str | None:
    if not resident.number_ok:
        return "bad_number"
    if resident.expired_on(today):
        return "expired"
    return None
