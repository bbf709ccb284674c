"""The three-colour queue policy (design §3), pure: no IO, no clock — `now` is always an argument.

Everything the back office decides about order, colour, numbering and ticket life is here, so it can be
tested exhaustively with properties and reused unchanged by the store on SQLite or PostgreSQL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def prefix(self) -> str:
        return _PREFIX[self]

    @property
    def rank(self) -> int:
        """Lower is called first when the priority rule applies."""
        return _RANK[self]


_PREFIX = {Colour.GREEN: "G", Colour.YELLOW: "Y", Colour.BLUE: "B"}
_RANK = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.BLUE: 2}

GREEN_REASONS = ("age", "disability", "illness", "pregnancy", "military")


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ACTIVE_STATUSES = (Status.WAITING, Status.CALLED, Status.SERVING)


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    max_wait_s: int = 1800
    priority_burst: int = 2
    max_recalls: int = 2
    requeue_offset: int = 3
    green_age: int = 60
    day_start_minute: int = 0
    appointment_early_s: int = 3600
    appointment_late_s: int = 900
    estimate_window: int = 20


# --- colour -----------------------------------------------------------------------------------------


def choose_colour(enterprise: bool, green_reason: str | None) -> Colour:
    """Priority follows the person, so a green resident taking an enterprise matter stays green."""
    if green_reason is not None:
        if green_reason not in GREEN_REASONS:
            raise ValueError(f"unknown green reason {green_reason!r}")
        return Colour.GREEN
    return Colour.YELLOW if enterprise else Colour.BLUE


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def is_green_age(birth: date, today: date, policy: QueuePolicy) -> bool:
    return age_on(birth, today) >= policy.green_age


# --- numbering and business days --------------------------------------------------------------------


def format_number(colour: Colour, n: int) -> str:
    """G001 … G999, then four digits (G1000)."""
    if n < 1:
        raise ValueError("ticket numbers start at 1")
    return f"{colour.prefix}{n:03d}"


def _day_start(day: date, tz: ZoneInfo, policy: QueuePolicy) -> float:
    """The instant business day `day` begins: the first time local clocks show its start time.

    When that local time happens twice (clocks go back) it is the first occurrence; when it does not happen
    at all (clocks jump forward over it) it is the instant of the jump.
    """
    wall = datetime.combine(day, time(policy.day_start_minute // 60, policy.day_start_minute % 60))
    a = wall.replace(tzinfo=tz, fold=0).timestamp()
    b = wall.replace(tzinfo=tz, fold=1).timestamp()
    lo, hi = min(a, b), max(a, b)
    if datetime.fromtimestamp(lo, tz).replace(tzinfo=None) == wall:
        return lo
    # In a gap: local time at `lo` is before `wall`, at `hi` after it; the jump is at a whole second between.
    lo_s, hi_s = math.floor(lo), math.ceil(hi)
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if datetime.fromtimestamp(mid, tz).replace(tzinfo=None) >= wall:
            hi_s = mid
        else:
            lo_s = mid
    return float(hi_s)


def business_day(now: float, tz: ZoneInfo, policy: QueuePolicy) -> date:
    """The local business day `now` falls in; a day starting at 04:00 puts 02:00 on the day before.

    Always the day whose `day_bounds` contain `now`, also across DST changes.
    """
    local = datetime.fromtimestamp(now, tz).replace(tzinfo=None) - timedelta(minutes=policy.day_start_minute)
    day = local.date()
    # Around a DST change the local clock can disagree with the bounds by the size of the change: they win.
    while now < _day_start(day, tz, policy):
        day -= timedelta(days=1)
    while now >= _day_start(day + timedelta(days=1), tz, policy):
        day += timedelta(days=1)
    return day


def day_bounds(day: date, tz: ZoneInfo, policy: QueuePolicy) -> tuple[float, float]:
    """[start, end) of a business day as epoch seconds (DST-safe: each end is computed in local time)."""
    return _day_start(day, tz, policy), _day_start(day + timedelta(days=1), tz, policy)


# --- the calling rule -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A waiting ticket as the calling rule sees it."""

    id: str
    colour: Colour
    position: float  # order of issue within its colour; requeues and transfers move it
    wait_start: float  # epoch seconds the current wait began
    appointment_start: float | None = None  # slot start of a checked-in appointment


@dataclass(frozen=True, slots=True)
class Decision:
    ticket_id: str
    reason: str  # "overdue" | "priority" | "blue" | "only"
    streak: int  # the counter's priority streak after this call


def _colour_key(c: Candidate, now: float) -> tuple[int, float, float]:
    if c.appointment_start is not None and c.appointment_start <= now:
        return (0, c.appointment_start, c.position)
    return (1, 0.0, c.position)


def is_overdue(c: Candidate, now: float, policy: QueuePolicy) -> bool:
    return now - c.wait_start >= policy.max_wait_s


def choose_next(
    candidates: Iterable[Candidate], streak: int, now: float, policy: QueuePolicy
) -> Decision | None:
    """Which waiting ticket a counter calls next (design §3), or None when none waits.

    `candidates` are the waiting tickets whose matter the counter serves; `streak` is the counter's green or
    yellow calls since its last blue call, counting only calls made by the priority rule (overdue calls do not
    change it).
    """
    cands = list(candidates)
    if not cands:
        return None
    overdue = [c for c in cands if is_overdue(c, now, policy)]
    if overdue:
        pick = min(overdue, key=lambda c: (c.wait_start, c.colour.rank, _colour_key(c, now)))
        # Overdue calls are outside the burst rule and leave the streak as it was: counting them would let a
        # backlog of overdue yellows push the streak up and call a second blue while a green waits.
        return Decision(pick.id, "overdue", streak)
    blues = [c for c in cands if c.colour is Colour.BLUE]
    if streak < policy.priority_burst or not blues:
        pick = min(cands, key=lambda c: (c.colour.rank, _colour_key(c, now)))
        if pick.colour is Colour.BLUE:
            return Decision(pick.id, "only", 0)
        return Decision(pick.id, "priority", streak + 1)
    pick = min(blues, key=lambda c: _colour_key(c, now))
    return Decision(pick.id, "blue", 0)


def is_begun(c: Candidate, now: float) -> bool:
    """A checked-in appointment whose slot has begun goes ahead of its colour's order of issue."""
    return c.appointment_start is not None and c.appointment_start <= now


def deciding(candidates: Iterable[Candidate], now: float) -> list[Candidate]:
    """The few candidates `choose_next` can pick from: per colour, its head and its longest-waiting ticket.

    `choose_next(deciding(cs, now), ...)` equals `choose_next(cs, ...)` for every streak and policy (a
    property test proves it), so a store need only fetch these by index, not every waiting ticket. A
    colour's head is its first in calling order (begun appointments by slot, then order of issue); its
    longest-waiting is the first by `wait_start`, ties broken by calling order, as an overdue call breaks
    them. At most six tickets, however many wait or tie; any superset chooses the same, so a store may
    return several per colour (one per matter, say).
    """
    heads: dict[Colour, Candidate] = {}
    longest: dict[Colour, Candidate] = {}
    for c in candidates:
        h = heads.get(c.colour)
        if h is None or _colour_key(c, now) < _colour_key(h, now):
            heads[c.colour] = c
        w = longest.get(c.colour)
        if w is None or (c.wait_start, _colour_key(c, now)) < (w.wait_start, _colour_key(w, now)):
            longest[c.colour] = c
    out = {c.id: c for c in heads.values()}
    out.update((c.id, c) for c in longest.values())
    return list(out.values())


def call_order(candidates: Sequence[Candidate], now: float, policy: QueuePolicy) -> list[Candidate]:
    """The whole order in which colour-sorted candidates would be called at `now`, without new arrivals."""
    remaining = {c.id: c for c in candidates}
    order: list[Candidate] = []
    streak = 0
    while remaining:
        d = choose_next(remaining.values(), streak, now, policy)
        assert d is not None
        streak = d.streak
        order.append(remaining.pop(d.ticket_id))
    return order


# --- placement of requeued and transferred tickets --------------------------------------------------


def requeue_position(colour_positions: Sequence[float], offset: int, fallback: float) -> float:
    """A reinstated no-show goes `offset` waiting tickets back in its colour (after the offset-th)."""
    ps = sorted(colour_positions)
    if not ps:
        return fallback
    if offset <= 0:
        return ps[0] - 1.0
    if len(ps) <= offset:
        return ps[-1] + 1.0
    return (ps[offset - 1] + ps[offset]) / 2.0


def front_position(colour_positions: Sequence[float], fallback: float) -> float:
    """A transferred ticket goes first in its colour of the new matter's queue."""
    return min(colour_positions) - 1.0 if colour_positions else fallback


# --- ticket life ------------------------------------------------------------------------------------


class TransitionError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_TRANSITIONS: dict[tuple[Status, str], Status] = {
    (Status.WAITING, "call"): Status.CALLED,
    (Status.CALLED, "recall"): Status.CALLED,
    (Status.CALLED, "no_show"): Status.NO_SHOW,
    (Status.CALLED, "start"): Status.SERVING,
    (Status.SERVING, "finish"): Status.DONE,
    (Status.SERVING, "transfer"): Status.WAITING,
    (Status.NO_SHOW, "reinstate"): Status.WAITING,
    (Status.WAITING, "cancel"): Status.CANCELLED,
    (Status.CALLED, "cancel"): Status.CANCELLED,
    (Status.WAITING, "expire"): Status.EXPIRED,
    (Status.CALLED, "expire"): Status.EXPIRED,
    (Status.SERVING, "expire"): Status.EXPIRED,
}

# What each action needs, as (stable error code, words for the message).
_NEEDS: dict[str, tuple[str, str]] = {
    "call": ("ticket_not_waiting", "waiting"),
    "recall": ("ticket_not_called", "called"),
    "no_show": ("ticket_not_called", "called"),
    "start": ("ticket_not_called", "called"),
    "finish": ("ticket_not_serving", "being served"),
    "transfer": ("ticket_not_serving", "being served"),
    "reinstate": ("ticket_not_no_show", "a no-show"),
    "cancel": ("ticket_not_active", "waiting or called"),
    "expire": ("ticket_not_active", "waiting, called or being served"),
}

ACTIONS = tuple(_NEEDS)


def transition(status: Status, action: str, recalls: int, policy: QueuePolicy) -> Status:
    """The status after `action`, or a TransitionError with a stable code saying why not."""
    if action not in _NEEDS:
        raise TransitionError("unknown_action", f"unknown ticket action {action!r}")
    nxt = _TRANSITIONS.get((status, action))
    if nxt is None:
        code, needs = _NEEDS[action]
        raise TransitionError(
            code,
            f"cannot {action.replace('_', '-')} a ticket that is {status.value.replace('_', '-')}; "
            f"it must be {needs}",
        )
    if action == "recall" and recalls >= policy.max_recalls:
        raise TransitionError(
            "max_recalls_reached",
            f"this ticket has been recalled {recalls} times already (the limit is {policy.max_recalls}); "
            "mark it no-show instead",
        )
    return nxt


# --- wait estimate ----------------------------------------------------------------------------------


def waiting_ahead(target: Candidate, others: Iterable[Candidate], now: float, policy: QueuePolicy) -> int:
    """How many of `others` (the waiting tickets sharing the target's counters) will likely be called first.

    Priority tickets ahead of a blue one are capped by the burst rule: at most `priority_burst` per blue
    ticket called, which is what a resident in the blue queue actually experiences.
    """
    same_ahead = 0
    higher = 0
    key = _colour_key(target, now)
    for o in others:
        if o.id == target.id:
            continue
        if o.colour is target.colour:
            same_ahead += _colour_key(o, now) < key
        elif o.colour.rank < target.colour.rank:
            higher += 1
    return ahead_from_counts(target.colour, same_ahead, higher, policy)


def ahead_from_counts(colour: Colour, same_ahead: int, higher: int, policy: QueuePolicy) -> int:
    """`waiting_ahead` from counts: same-colour tickets ahead, and waiting tickets of higher colours."""
    if colour is Colour.BLUE:
        higher = min(higher, policy.priority_burst * (same_ahead + 1))
    return same_ahead + higher


def estimate_wait_s(ahead: int, mean_service_s: float, open_counters: int) -> int:
    return math.ceil(ahead * mean_service_s / max(1, open_counters))
