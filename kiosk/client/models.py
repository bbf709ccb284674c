"""Typed results of the back-office calls the screens make.

Each type reads the JSON the back office sends and keeps only what a screen uses; `raw` keeps the whole
answer for views that hand it on unchanged (QML binds to plain maps). Parsing is lenient about fields a
newer back office adds and strict about the ones a screen relies on: a missing one raises KeyError early.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

COLOURS = ("green", "yellow", "blue")
Json = Mapping[str, Any]


def _colour_counts(data: Mapping[str, Any] | None) -> dict[str, int]:
    data = data or {}
    return {c: int(data.get(c, 0) or 0) for c in COLOURS}


@dataclass(frozen=True, slots=True)
class Health:
    hall: str
    api: str
    last_seq: int

    @classmethod
    def from_json(cls, data: Json) -> Health:
        return cls(str(data.get("hall", "")), str(data.get("api", "")), int(data["last_seq"]))


@dataclass(frozen=True, slots=True)
class TicketBrief:
    """The public facts about a ticket that events and snapshots carry (never why it is green)."""

    id: str
    number: str
    colour: str
    matter: str
    status: str
    counter: str | None
    window: int | None

    @classmethod
    def from_json(cls, data: Json) -> TicketBrief:
        window = data.get("window")
        return cls(
            id=str(data.get("id") or data["number"]),
            number=str(data["number"]),
            colour=str(data.get("colour") or "blue"),
            matter=str(data.get("matter", "")),
            status=str(data.get("status", "")),
            counter=data.get("counter"),
            window=int(window) if window is not None else None,
        )


@dataclass(frozen=True, slots=True)
class Waiting:
    """Waiting tickets of the day: per colour, and per matter and colour."""

    by_colour: dict[str, int]
    by_matter: dict[str, dict[str, int]]

    @classmethod
    def from_json(cls, by_colour: Json | None, by_matter: Mapping[str, Json] | None) -> Waiting:
        return cls(_colour_counts(by_colour), {m: _colour_counts(c) for m, c in (by_matter or {}).items()})

    def for_matters(self, matters: list[str] | set[str]) -> dict[str, int]:
        """Per colour, among the given matters (what one counter can call)."""
        out = dict.fromkeys(COLOURS, 0)
        for matter in matters:
            for colour, n in self.by_matter.get(matter, {}).items():
                out[colour] += n
        return out


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    day: str
    waiting: Waiting
    recent_calls: list[TicketBrief]  # newest first
    last_seq: int
    raw: Json = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Json) -> QueueSnapshot:
        return cls(
            day=str(data.get("day", "")),
            waiting=Waiting.from_json(data.get("waiting"), data.get("waiting_by_matter")),
            recent_calls=[TicketBrief.from_json(t) for t in data.get("recent_calls") or []],
            last_seq=int(data.get("last_seq", 0)),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Counter:
    id: str
    window: int
    name_zh: str
    name_en: str
    paused: bool
    serves: list[str]
    current: TicketBrief | None
    raw: Json = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Json) -> Counter:
        current = data.get("current")
        return cls(
            id=str(data["id"]),
            window=int(data["window"]),
            name_zh=str(data.get("name_zh", "")),
            name_en=str(data.get("name_en", "")),
            paused=bool(data.get("paused")),
            serves=[str(m) for m in data.get("serves") or []],
            current=TicketBrief.from_json(current) if current else None,
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Matter:
    id: str
    name_zh: str
    name_en: str
    counters: list[str]  # the counters that serve it; empty: a ticket for it would wait for no one


@dataclass(frozen=True, slots=True)
class Catalogue:
    hall_name: str
    hall_name_en: str
    matters: list[Matter]  # in catalogue order
    max_recalls: int | None
    raw: Json = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Json) -> Catalogue:
        hall = data.get("hall") or {}
        policy = data.get("policy") or {}
        matters = [
            Matter(
                str(m["id"]), str(m["name_zh"]), str(m["name_en"]), [str(c) for c in m.get("counters") or []]
            )
            for cat in data.get("categories") or []
            for m in cat.get("matters") or []
        ]
        max_recalls = policy.get("max_recalls")
        return cls(
            hall_name=str(hall.get("name", "")),
            hall_name_en=str(hall.get("name_en", "")),
            matters=matters,
            max_recalls=int(max_recalls) if max_recalls is not None else None,
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Login:
    token: str
    name: str

    @classmethod
    def from_json(cls, data: Json) -> Login:
        return cls(str(data["token"]), str(data.get("name", "")))


@dataclass(frozen=True, slots=True)
class RatingReceipt:
    ticket: str
    level: int
    tags: list[str]

    @classmethod
    def from_json(cls, data: Json) -> RatingReceipt:
        return cls(str(data["ticket"]), int(data["level"]), [str(t) for t in data.get("tags") or []])


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change in the back office, in sequence order."""

    seq: int
    type: str
    ts: float
    data: Json

    @classmethod
    def from_json(cls, data: Json) -> Event:
        return cls(int(data["seq"]), str(data["type"]), float(data.get("ts", 0.0)), data.get("data") or {})

    @property
    def ticket(self) -> TicketBrief | None:
        raw = self.data.get("ticket")
        return TicketBrief.from_json(raw) if raw and raw.get("number") else None

    @property
    def waiting(self) -> Waiting | None:
        """The day's waiting counts after this change, when the event carries them (ticket events do)."""
        if "waiting" not in self.data:
            return None
        return Waiting.from_json(self.data.get("waiting"), self.data.get("waiting_by_matter"))

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "ts": self.ts, "data": dict(self.data)}


@dataclass(frozen=True, slots=True)
class HallState:
    """Whether the hall gives numbers now, and the hours a closed screen shows."""

    open: bool
    closed_by_staff: bool
    reason: str
    hours_today: list[str]
    next_opening: str | None
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, data: Json) -> HallState:
        return cls(
            open=bool(data["open"]),
            closed_by_staff=bool(data.get("closed_by_staff", False)),
            reason=str(data.get("reason", "")),
            hours_today=[str(h) for h in data.get("hours_today") or []],
            next_opening=data.get("next_opening"),
            raw=dict(data),
        )


@dataclass(frozen=True, slots=True)
class DayKey:
    """Today's secret for person keys (kiosk.client.person); forget it at `valid_until`."""

    day: str
    key: str = field(repr=False)  # a secret: never in a log line
    valid_until: str
    appointment_key: str = field(repr=False, default="")  # holder keys of appointments (check-in by card)

    @classmethod
    def from_json(cls, data: Json) -> DayKey:
        return cls(
            str(data["day"]), str(data["key"]), str(data["valid_until"]), str(data.get("appointment_key", ""))
        )
