"""The values the kiosk's flows work with: screens, the resident's identity, matters, results.

Pure data, no Qt and no IO. The resident's identity is the only personal datum the flows hold; it lives in
`Resident`, whose repr is masked, and the machine drops it whenever a session ends (see `TicketFlow.wipe`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

GREEN_REASONS = ("disability", "illness", "pregnancy", "military")
"""The green reasons a resident declares on the kiosk (age is read from the card, never declared)."""


class Screen(StrEnum):
    HOME = "home"
    CATEGORIES = "categories"
    MATTERS = "matters"
    IDENTIFY = "identify"  # place the ID card or scan the appointment QR code
    GREEN_REASONS = "green_reasons"
    CONFIRM = "confirm"
    ISSUING = "issuing"
    TICKET = "ticket"
    REPRINT_OFFER = "reprint_offer"
    REFUSED = "refused"  # quota used up, outside the matter's ticket hours: `Refusal` says which
    CLOSED = "closed"
    OUT_OF_SERVICE = "out_of_service"


@dataclass(frozen=True, slots=True)
class MatterInfo:
    """What the flow needs of a catalogue matter."""

    id: str
    category: str
    id_required: bool
    enterprise: bool


@dataclass(frozen=True, slots=True, repr=False)
class Resident:
    """Who is at the kiosk, as far as the flow needs to know: read from the card, gone when the session ends.

    `person_key` is the opaque keyed hash the back office uses to spot a second ticket for the same matter
    today; the flow never looks inside it. None until the kiosk has the day's key from the back office.
    """

    birth_date: date
    valid_to: date | None
    number_ok: bool
    person_key: str | None = None
    display_name: str = ""  # already masked by the adapter

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def expired_on(self, day: date) -> bool:
        return self.valid_to is not None and day > self.valid_to

    def __repr__(self) -> str:
        return "Resident(***)"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    id: str
    number: str
    colour: str
    matter: str
    waiting_ahead: int | None
    estimated_wait_s: int | None
    windows: tuple[int, ...] = ()
    reprint: bool = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """The back office's stable error code, and what it said, for the screen and the voice."""

    code: str
    message: str = ""
    message_zh: str = ""
    details: dict[str, object] = field(default_factory=dict)
