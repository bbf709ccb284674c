"""Opening hours and ticket hours: pure functions of `now` (no clock, no IO), tested with hypothesis.

A schedule is a list of "HH:MM-HH:MM" ranges in the hall's local time; the hall has one per weekday and a
set of closed dates (holidays); a matter has one for every open day (取号时间段). Times are local wall-clock
minutes, so a daylight-saving change moves the instants, not the hours a resident reads on the door.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")

Ranges = tuple[tuple[int, int], ...]  # (start minute, end minute) of the day, end exclusive, sorted


class HoursError(ValueError):
    """A schedule a technician must fix; the message names the range."""


def parse_ranges(texts: Iterable[str], where: str) -> Ranges:
    """["09:00-12:00", "13:30-17:00"] → ((540, 720), (810, 1020)); refuses reversed or overlapping ranges."""
    out: list[tuple[int, int]] = []
    for text in texts:
        m = _RANGE.match(text)
        if not m:
            raise HoursError(f"{where}: {text!r} is not a range HH:MM-HH:MM (e.g. 09:00-17:30)")
        start = int(m.group(1)) * 60 + int(m.group(2))
        end = int(m.group(3)) * 60 + int(m.group(4))
        if end > 24 * 60 or end <= start:
            raise HoursError(f"{where}: {text!r} must end after it starts, at 24:00 at the latest")
        out.append((start, end))
    out.sort()
    for (_, end), (start, _) in itertools.pairwise(out):
        if start <= end:
            # Touching ranges would announce an "opening" while the hall is already open.
            raise HoursError(f"{where}: the ranges overlap or touch; merge them into one")
    return tuple(out)


def format_ranges(ranges: Ranges) -> list[str]:
    return [f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in ranges]


def in_ranges(minute: int, ranges: Ranges) -> bool:
    return any(start <= minute < end for start, end in ranges)


@dataclass(frozen=True, slots=True)
class OpeningHours:
    week: tuple[Ranges, ...]  # Monday first, seven entries
    closed_dates: frozenset[date]

    def on(self, day: date) -> Ranges:
        """The hall's hours on a local date: none on a closed date."""
        return () if day in self.closed_dates else self.week[day.weekday()]

    def to_dict(self) -> dict[str, object]:
        return {
            "week": {name: format_ranges(r) for name, r in zip(WEEKDAYS, self.week, strict=True)},
            "closed_dates": sorted(d.isoformat() for d in self.closed_dates),
        }


ALWAYS_OPEN = OpeningHours(week=((0, 24 * 60),) * 7, closed_dates=frozenset())  # type: ignore[arg-type]


def parse_opening_hours(
    week: dict[str, Sequence[str]], closed_dates: Iterable[str], where: str
) -> OpeningHours:
    unknown = sorted(set(week) - set(WEEKDAYS))
    if unknown:
        raise HoursError(f"{where}: unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
    days: set[date] = set()
    for text in closed_dates:
        try:
            days.add(date.fromisoformat(text))
        except ValueError as exc:
            raise HoursError(f"{where}: closed date {text!r} is not YYYY-MM-DD") from exc
    return OpeningHours(
        week=tuple(parse_ranges(week.get(d, ()), f"{where}.{d}") for d in WEEKDAYS),
        closed_dates=frozenset(days),
    )


def _local(now: float, tz: ZoneInfo) -> tuple[date, int]:
    dt = datetime.fromtimestamp(now, tz)
    return dt.date(), dt.hour * 60 + dt.minute


def is_open(now: float, tz: ZoneInfo, hours: OpeningHours) -> bool:
    day, minute = _local(now, tz)
    return in_ranges(minute, hours.on(day))


def in_ticket_hours(now: float, tz: ZoneInfo, ranges: Ranges) -> bool:
    """Whether a matter takes tickets at `now`; an empty schedule means whenever the hall is open."""
    if not ranges:
        return True
    return in_ranges(_local(now, tz)[1], ranges)


def next_opening(now: float, tz: ZoneInfo, hours: OpeningHours, horizon_days: int = 400) -> float | None:
    """The first instant after `now` at which the hall opens (a range starts), or None within the horizon."""
    day, minute = _local(now, tz)
    for offset in range(horizon_days + 1):
        d = day + timedelta(days=offset)
        for start, _ in hours.on(d):
            if offset == 0 and start <= minute:
                continue
            when = datetime.combine(d, time(start // 60, start % 60), tz)
            # A start inside a daylight-saving gap does not exist; the next real minute is when doors open.
            ts = when.timestamp()
            if ts > now:
                return ts
    return None
