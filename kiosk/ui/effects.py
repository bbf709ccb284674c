"""The effects port: what the kiosk's flow asks the outside world to do (speak, issue, print, reprint).

The view-model takes the flow's effects and hands each to a port. `InProcessEffects` answers in-process (a
made-up ticket, speech and prints recorded in lists) for `kiosk tour` and the screen tests; the real port,
`kiosk.ui.port.HallEffects`, uses the back-office client and the printer and speech drivers on worker
threads. Both keep this interface: `done` is called on the GUI thread, once per issue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from kiosk.flow.model import IssuedTicket, MatterInfo, Refusal
from kiosk.flow.ticket import Issue


@dataclass(frozen=True, slots=True)
class IssueOutcome:
    """What the back office answered to one Issue: a ticket, a refusal (with the existing ticket when the
    same person already waits), or no answer at all (`unreachable`)."""

    ticket: IssuedTicket | None = None
    refusal: Refusal | None = None
    existing: IssuedTicket | None = None

    @property
    def unreachable(self) -> bool:
        return self.ticket is None and self.refusal is None


IssueDone = Callable[[IssueOutcome], None]


class EffectsPort(Protocol):
    def speak(self, prompt: str, params: Mapping[str, str], lang: str) -> None:
        """Say a prompt (a phrase key such as "screen.home") in `lang`; a new prompt cuts the one playing."""

    def set_volume(self, volume: int, muted: bool) -> None:
        """0..100; muted keeps the volume for when sound comes back."""

    def issue(self, request: Issue, done: IssueDone) -> None:
        """Ask the back office for a ticket; call `done` on the GUI thread with its answer."""

    def abandon(self, idempotency_key: str) -> None:
        """The resident went home before an unanswered issue came through: stop retrying it."""

    def print_ticket(self, ticket: IssuedTicket, lang: str) -> None:
        """Print on a worker thread; a printer fault comes back to the view-model's `print_failed`."""

    def reprint(self, ticket_id: str, lang: str) -> None: ...

    def offer_elder_mode(self) -> None:
        """The card shows an elderly resident in standard mode: the screen offers elder mode; say so too."""


# The ticket colour's letter, as the back office numbers them.
_PREFIX = {"green": "G", "yellow": "Y", "blue": "B"}


class InProcessEffects:
    """A port with no devices and no back office: issues made-up tickets in order, records the rest.

    Used by `kiosk tour` and the screen tests. `answer` makes the next issue come back as that refusal
    (or unreachable, with `Refusal("unreachable")`) instead of a ticket; `hold` keeps issues unanswered
    until `release()`, as a slow back office would.
    """

    def __init__(self, matters: Mapping[str, MatterInfo], windows: Mapping[str, tuple[int, ...]]) -> None:
        self.matters = dict(matters)
        self.windows = dict(windows)
        self.spoken: list[tuple[str, dict[str, str], str]] = []
        self.printed: list[IssuedTicket] = []
        self.reprinted: list[str] = []
        self.offers = 0
        self.volume = (70, False)
        self.answer: Refusal | None = None
        self.hold = False
        self.held: list[tuple[Issue, IssueDone]] = []
        self.existing: IssuedTicket | None = None
        self.abandoned: list[str] = []
        self._numbers = {colour: 0 for colour in _PREFIX}
        self._issued: dict[str, IssuedTicket] = {}  # by idempotency key: a retry gets the same ticket

    def speak(self, prompt: str, params: Mapping[str, str], lang: str) -> None:
        self.spoken.append((prompt, dict(params), lang))

    def set_volume(self, volume: int, muted: bool) -> None:
        self.volume = (volume, muted)

    def issue(self, request: Issue, done: IssueDone) -> None:
        if self.hold:
            self.held.append((request, done))
            return
        answer, self.answer = self.answer, None
        if answer is not None:
            done(
                IssueOutcome()
                if answer.code == "unreachable"
                else IssueOutcome(refusal=answer, existing=self.existing)
            )
            return
        known = self._issued.get(request.idempotency_key)
        if known is None:
            matter = self.matters[request.matter]
            colour = "green" if request.green_reason else "yellow" if matter.enterprise else "blue"
            self._numbers[colour] += 1
            ahead = sum(self._numbers.values()) - 1
            known = IssuedTicket(
                id=f"t{len(self._issued) + 1}",
                number=f"{_PREFIX[colour]}{self._numbers[colour]:03d}",
                colour=colour,
                matter=matter.id,
                waiting_ahead=ahead,
                estimated_wait_s=ahead * 300,
                windows=self.windows.get(matter.id, ()),
            )
            self._issued[request.idempotency_key] = known
        done(IssueOutcome(ticket=known))

    def release(self) -> None:
        self.hold = False
        held, self.held = self.held, []
        for request, done in held:
            self.issue(request, done)

    def abandon(self, idempotency_key: str) -> None:
        self.abandoned.append(idempotency_key)
        self.held = [(r, d) for r, d in self.held if r.idempotency_key != idempotency_key]

    def print_ticket(self, ticket: IssuedTicket, lang: str) -> None:
        self.printed.append(ticket)

    def reprint(self, ticket_id: str, lang: str) -> None:
        self.reprinted.append(ticket_id)

    def offer_elder_mode(self) -> None:
        self.offers += 1
