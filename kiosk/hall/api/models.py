"""Typed request and response bodies of the local API (v1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kiosk.hall.display_text import check_display_text

GreenReason = Literal["age", "disability", "illness", "pregnancy", "military"]
RatingTag = Literal["efficiency", "competence", "attitude", "guidance", "environment", "other"]
TicketStatus = Literal["waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]
ColourName = Literal["green", "yellow", "blue"]
Ident = Field(min_length=1, max_length=64)
# A name shown on boards, terminals or LED displays (see kiosk.hall.display_text).
# The pattern documents the common refused characters for clients; the validator is the full rule.
_REFUSED = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
DisplayName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        json_schema_extra={"pattern": f"^[^{_REFUSED}]*[^{_REFUSED}\\s][^{_REFUSED}]*$"},
    ),
    AfterValidator(check_display_text),
]


class Strict(BaseModel):
    # A misspelt field must not be silently ignored (e.g. "green_reasons" would lose a priority).
    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    code: str
    message: str
    message_zh: str
    details: dict[str, Any] | None = None


PersonKey = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="64 lowercase hex digits")]


class TicketIn(Strict):
    # A matter, or an appointment to check in (whose matter it then is): at least one of the two.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["matter"], "properties": {"matter": {"type": "string"}}},
                {"required": ["appointment"], "properties": {"appointment": {"type": "string"}}},
            ]
        },
    )
    matter: str | None = Field(default=None, min_length=1, max_length=64)
    green_reason: GreenReason | None = None
    appointment: str | None = Field(default=None, min_length=1, max_length=64)
    person_key: PersonKey | None = Field(
        default=None,
        description="HMAC-SHA256(day key, ID number) in hex, from GET /kiosk/day-key: the same person "
        "waiting for the same matter today is refused with `already_waiting` and their ticket",
    )


class CheckInIn(Strict):
    green_reason: GreenReason | None = None


class TicketBrief(BaseModel):
    id: str
    number: str
    colour: ColourName
    matter: str
    status: str
    counter: str | None
    window: int | None


class Notice(BaseModel):
    code: str = Field(description="e.g. `appointment_expired`: a late arrival got this ordinary ticket")
    message: str
    message_zh: str
    appointment: str | None = None


class Ticket(TicketBrief):
    matter_name_zh: str
    matter_name_en: str
    day: str
    issued_at: str
    called_at: str | None
    appointment: bool
    waiting_ahead: int | None
    estimated_wait_s: int | None
    notice: Notice | None = Field(default=None, description="only on an answer that needs explaining")
    windows: list[int] = Field(default_factory=list, description="window numbers of the counters serving it")


class StaffTicket(Ticket):
    """What a counter sees of the ticket it called: also why it is green, so staff can check it."""

    green_reason: GreenReason | None
    recalls: int


class CounterIn(Strict):
    window: int = Field(ge=1, le=9999, description="window number shown on boards and spoken in calls")
    name_zh: DisplayName
    name_en: DisplayName
    matters: list[str] = Field(default_factory=list, description="matter ids this counter serves")
    groups: list[str] = Field(default_factory=list, description="counter groups whose matters it serves")


class Counter(BaseModel):
    id: str
    window: int
    name_zh: str
    name_en: str
    matters: list[str]
    groups: list[str]
    paused: bool
    serves: list[str]
    current: TicketBrief | None


class CallIn(Strict):
    ticket: str = Field(min_length=1, max_length=64)


class TransferIn(Strict):
    matter: str = Field(min_length=1, max_length=64)


class RatingIn(Strict):
    level: int = Field(ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    tags: list[RatingTag] = Field(
        default_factory=list, max_length=6, description="reasons, only with 不满意 or 非常不满意 (levels 1–2)"
    )


class Rating(BaseModel):
    ticket: str
    level: int
    label_zh: str
    tags: list[str]


class AppointmentIn(Strict):
    matter: str = Field(min_length=1, max_length=64)
    slot_start: datetime = Field(description="ISO 8601; without a UTC offset it is the hall's local time")
    slot_end: datetime = Field(description="ISO 8601; without a UTC offset it is the hall's local time")
    reference: str | None = Field(default=None, max_length=64, description="the booking system's own code")
    id_number: str | None = Field(
        default=None,
        pattern=r"^[0-9]{17}[0-9Xx]$",
        description="the resident's ID number, so they can check in with the card; only a keyed hash of it "
        "is kept, until check-in or the end of the check-in window",
    )


class CardCheckInIn(Strict):
    holder_key: PersonKey = Field(
        description="HMAC-SHA256(appointment_key of GET /kiosk/day-key, ID number read from the card)"
    )
    green_reason: GreenReason | None = None


class Appointment(BaseModel):
    id: str
    matter: str
    slot_start: str
    slot_end: str
    status: str
    reference: str | None
    ticket: str | None


class DeviceStatusIn(Strict):
    kind: str = Field(min_length=1, max_length=32)
    status: Literal["ok", "degraded", "fault"]
    reason: str = Field(default="", max_length=500)
    details: dict[str, Any] = Field(default_factory=dict)


class Device(BaseModel):
    id: str
    kind: str
    status: str
    reason: str
    details: dict[str, Any]
    reporter: str
    reported_at: str
    changed_at: str
    age_s: float


class Event(BaseModel):
    seq: int
    type: str
    ts: float
    data: dict[str, Any]


class EventPage(BaseModel):
    events: list[Event]
    last_seq: int


class Health(BaseModel):
    status: Literal["ok"]
    api: str
    hall: str
    database: str
    last_seq: int
    taking_tickets: bool = Field(
        description="the hall is open and not closed by staff; GET /hall/state says more"
    )


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    counter: str | None = Field(default=None, max_length=32, description="the counter being staffed")


class Session(BaseModel):
    token: str
    role: str
    name: str
    username: str
    expires_at: str


class StaffIn(Strict):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: DisplayName
    password: str = Field(min_length=8, max_length=200)


class StaffOut(BaseModel):
    id: int
    username: str
    name: str
    created_at: str | None = None
    disabled_at: str | None = None


class HallCloseIn(Strict):
    reason: str = Field(default="", max_length=200, description="shown on the kiosks' closed screen")


class HallState(BaseModel):
    open: bool = Field(description="kiosks give numbers now")
    in_opening_hours: bool
    closed_by_staff: bool
    reason: str
    closed_since: str | None
    hours_today: list[str] = Field(description='local "HH:MM-HH:MM" ranges')
    hours: dict[str, Any] = Field(description="week: ranges per weekday (mon…sun); closed_dates")
    next_opening: str | None = Field(description="when closed: the next opening, ISO 8601 local time")
    ticket_hours: list[str] = Field(description="hall-wide ticket hours; empty: whenever open")
    daily_quota: int = Field(description="hall-wide daily quota per matter; 0: none")
    time: str


class ReprintedTicket(Ticket):
    reprint: bool = Field(description="always true: the printer marks the slip 补打 / REPRINT")


class PersonTickets(BaseModel):
    day: str
    tickets: list[Ticket]


class DayKey(BaseModel):
    day: str
    key: str = Field(description="the day's secret, hex; kiosks compute person keys with it and forget it")
    algorithm: Literal["HMAC-SHA256"]
    valid_until: str
    appointment_key: str = Field(
        description="the hall's key for appointments' holder keys (check-in by card)"
    )


class HelpIn(Strict):
    note: str = Field(default="", max_length=200, description="what the resident was doing, for the staff")


class HelpRequest(BaseModel):
    id: str
    kiosk: str = Field(description="the kiosk's token name, e.g. 'kiosk 2'")
    note: str
    requested_at: str
    answered_at: str | None
    answered_by: str | None
