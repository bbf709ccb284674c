"""What may be printed: a ticket and a materials list (一次性告知), nothing more.

The types hold only what hall-standards §4.3 allows on paper: number, colour class, matter, time,
people ahead and the status QR. There is no field for a name, an ID number, a phone number or the
reason for priority, so `from_api` drops those even when the back office sends them (a StaffTicket
carries green_reason).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol
from urllib.parse import quote

COLOURS = ("green", "yellow", "blue")
_NUMBER_RE = re.compile(r"[A-Z0-9-]{1,8}")


@dataclass(frozen=True, slots=True)
class TicketPrint:
    hall_name: str
    number: str  # "G012"
    colour: str  # green | yellow | blue
    matter_name_zh: str
    matter_name_en: str
    issued_at: datetime  # aware; printed in its own offset (the hall's local time)
    status_url: str  # the public status page of this ticket, printed as the QR code
    waiting_ahead: int | None = None
    estimated_wait_s: int | None = None
    hall_name_en: str = ""
    # A slip printed again for the same ticket (补打): marked so, so two slips never pass as two numbers.
    reprint: bool = False

    def __post_init__(self) -> None:
        if not _NUMBER_RE.fullmatch(self.number):
            raise ValueError(f"ticket number {self.number!r} is not 1-8 capital letters, digits or '-'")
        if self.colour not in COLOURS:
            raise ValueError(f"colour must be one of {', '.join(COLOURS)}, got {self.colour!r}")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must carry its UTC offset, or the printed time is a guess")
        if not (self.status_url.isascii() and re.match(r"https?://\S+$", self.status_url)):
            raise ValueError(f"status_url must be an ASCII http(s) URL, got {self.status_url!r}")
        for name in ("waiting_ahead", "estimated_wait_s"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ValueError(f"{name} must be a non-negative integer or None, got {value!r}")

    @classmethod
    def from_api(
        cls,
        ticket: Mapping[str, Any],
        hall_name: str,
        public_url: str,
        *,
        hall_name_en: str = "",
        tz: tzinfo | None = None,
    ) -> TicketPrint:
        """From the back office's ticket JSON (POST /api/v1/tickets); the QR is `public_url` + id."""
        missing = [k for k in ("id", "number", "colour", "matter_name_zh", "issued_at") if not ticket.get(k)]
        if missing:
            raise ValueError(f"ticket JSON lacks {', '.join(missing)}")
        if not public_url:
            raise ValueError("public_url is empty: the kiosk must resolve hall.public_url before printing")
        issued = datetime.fromisoformat(str(ticket["issued_at"]))
        if tz is not None and issued.tzinfo is not None:
            issued = issued.astimezone(tz)
        return cls(
            hall_name=hall_name,
            hall_name_en=hall_name_en,
            number=str(ticket["number"]),
            colour=str(ticket["colour"]),
            matter_name_zh=str(ticket["matter_name_zh"]),
            matter_name_en=str(ticket.get("matter_name_en") or ""),
            issued_at=issued,
            status_url=public_url + quote(str(ticket["id"]), safe=""),
            waiting_ahead=ticket.get("waiting_ahead"),
            estimated_wait_s=ticket.get("estimated_wait_s"),
            reprint=bool(ticket.get("reprint", False)),
        )


class MatterLike(Protocol):
    """The fields of kiosk.hall.catalogue.Matter a materials list needs (drivers do not import kiosk)."""

    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def materials_zh(self) -> Sequence[str]: ...
    @property
    def materials_en(self) -> Sequence[str]: ...
    @property
    def note_zh(self) -> str: ...
    @property
    def note_en(self) -> str: ...


@dataclass(frozen=True, slots=True)
class MaterialsPrint:
    hall_name: str
    matter_name_zh: str
    matter_name_en: str
    materials_zh: tuple[str, ...]  # may be empty: consultation matters need nothing
    materials_en: tuple[str, ...] = ()  # paired with materials_zh by position
    note_zh: str = ""
    note_en: str = ""
    printed_at: datetime | None = None
    hall_name_en: str = ""

    def __post_init__(self) -> None:
        if self.printed_at is not None and self.printed_at.tzinfo is None:
            raise ValueError("printed_at must carry its UTC offset")

    @classmethod
    def from_matter(
        cls,
        matter: MatterLike,
        hall_name: str,
        *,
        hall_name_en: str = "",
        printed_at: datetime | None = None,
    ) -> MaterialsPrint:
        return cls(
            hall_name=hall_name,
            hall_name_en=hall_name_en,
            matter_name_zh=matter.name_zh,
            matter_name_en=matter.name_en,
            materials_zh=tuple(matter.materials_zh),
            materials_en=tuple(matter.materials_en),
            note_zh=matter.note_zh,
            note_en=matter.note_en,
            printed_at=printed_at,
        )
