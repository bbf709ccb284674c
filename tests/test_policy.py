"""Property tests of the three-colour queue policy (design §3), `kiosk.hall.policy`.

The expectations are written from the design, not read back from the implementation: the transition table,
the error codes and the calling properties are restated here, so a wrong implementation fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.hall.policy import (
    ACTIVE_STATUSES,
    GREEN_REASONS,
    Candidate,
    Colour,
    QueuePolicy,
    Status,
    TransitionError,
    age_on,
    business_day,
    call_order,
    choose_colour,
    choose_next,
    day_bounds,
    deciding,
    estimate_wait_s,
    format_number,
    front_position,
    is_green_age,
    requeue_position,
    transition,
    waiting_ahead,
)

FAST = settings(max_examples=150, deadline=None)
SIM = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NOW = 1_718_000_000.0  # an arbitrary instant; the policy is pure, `now` is only an argument
COLOURS = (Colour.GREEN, Colour.YELLOW, Colour.BLUE)
NEVER = 10**9  # a max_wait_s no test run reaches

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = tuple(
    ZoneInfo(name)
    for name in (
        "UTC",
        "Asia/Shanghai",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",  # half-hour DST
        "America/Santiago",  # DST changes at midnight
    )
)


def overdue(c: Candidate, now: float, policy: QueuePolicy) -> bool:
    """The design's definition, restated: waited at least max_wait."""
    return now - c.wait_start >= policy.max_wait_s


def slot_begun(c: Candidate, now: float) -> bool:
    return c.appointment_start is not None and c.appointment_start <= now


# --- strategies -------------------------------------------------------------------------------------

policies = st.builds(
    QueuePolicy,
    max_wait_s=st.sampled_from([60, 300, 900, 1800, NEVER]),
    priority_burst=st.integers(0, 4),
    max_recalls=st.integers(0, 3),
    requeue_offset=st.integers(0, 5),
)


@st.composite
def candidate_lists(
    draw: st.DrawFn,
    colours: Sequence[Colour] = COLOURS,
    min_size: int = 0,
    max_size: int = 10,
    max_waited: int = 4000,
    appointments: bool = True,
) -> list[Candidate]:
    """Waiting tickets at NOW: distinct positions, random waits, some checked-in appointments."""
    positions = draw(st.lists(st.integers(-50, 500), min_size=min_size, max_size=max_size, unique=True))
    out: list[Candidate] = []
    for i, pos in enumerate(positions):
        colour = draw(st.sampled_from(colours))
        waited = draw(st.integers(0, max_waited))
        appt: float | None = None
        if appointments and draw(st.booleans()):
            appt = NOW + draw(st.integers(-3600, 3600))  # negative: the slot has begun
        out.append(Candidate(f"t{i}", colour, float(pos), NOW - waited, appt))
    return out


# --- 1. overdue -------------------------------------------------------------------------------------


@FAST
@given(
    policy=policies.filter(lambda p: p.max_wait_s < NEVER),
    cands=candidate_lists(min_size=1),
    streak=st.integers(0, 6),
    data=st.data(),
)
def test_overdue_ticket_is_never_passed_over(
    policy: QueuePolicy, cands: list[Candidate], streak: int, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(cands))
    late = Candidate(
        target.id, target.colour, target.position, NOW - policy.max_wait_s - data.draw(st.integers(0, 5000))
    )
    others = [c for c in cands if c.id != target.id]
    subset = data.draw(st.lists(st.sampled_from(others), unique_by=lambda c: c.id)) if others else []
    pool = [*subset, late]
    pool = data.draw(st.permutations(pool))

    d = choose_next(pool, streak, NOW, policy)

    assert d is not None
    picked = next(c for c in pool if c.id == d.ticket_id)
    assert overdue(picked, NOW, policy), "a non-overdue ticket was called while one was overdue"
    assert d.reason == "overdue"
    assert picked.wait_start == min(c.wait_start for c in pool), "not the one that waited longest"
    assert d.streak == streak, "overdue calls are outside the burst rule and leave the streak alone"


def test_overdue_worked_example() -> None:
    policy = QueuePolicy(max_wait_s=1800, priority_burst=2)
    cands = [
        Candidate("G1", Colour.GREEN, 1.0, NOW - 100),
        Candidate("B1", Colour.BLUE, 1.0, NOW - 2000),
        Candidate("B2", Colour.BLUE, 2.0, NOW - 2500),  # issued later, but has waited longest (requeued)
        Candidate("Y1", Colour.YELLOW, 1.0, NOW - 1800),  # exactly max_wait: overdue
    ]
    assert choose_next(cands, 0, NOW, policy) == choose_next(reversed(cands), 0, NOW, policy)
    d = choose_next(cands, 0, NOW, policy)
    assert d is not None and (d.ticket_id, d.reason) == ("B2", "overdue")
    d = choose_next(
        [c for c in cands if c.id != "B2"] + [Candidate("Y0", Colour.YELLOW, 0.0, NOW - 1799)], 0, NOW, policy
    )
    assert d is not None and d.ticket_id == "B1"
    assert choose_next([], 0, NOW, policy) is None


# --- 2. burst and ratio on one counter --------------------------------------------------------------

# (colour, appointment slot relative to arrival, seconds already waited: a transferred or reinstated ticket
# keeps the wait it began earlier, so some arrive close to or past max_wait)
Arrival = tuple[Colour, int | None, int]
Plan = list[tuple[list[Arrival], int]]
arrival = st.tuples(
    st.sampled_from(COLOURS),
    st.one_of(st.none(), st.integers(-900, 1800)),
    st.one_of(st.just(0), st.integers(0, 1800)),
)
backlog = st.lists(  # what already waits when the simulation starts (a paused counter, the morning rush)
    st.tuples(st.sampled_from(COLOURS), st.none(), st.integers(0, 2400)), max_size=12
)
steps = st.builds(
    lambda first, rest: [(first, 0), *rest],
    backlog,
    st.lists(st.tuples(st.lists(arrival, max_size=3), st.sampled_from([0, 0, 30, 120, 600])), max_size=40),
)
sim_policies = st.builds(
    QueuePolicy,
    max_wait_s=st.sampled_from([900, 1800, NEVER]),
    priority_burst=st.integers(0, 4),
)


@dataclass(frozen=True)
class Call:
    colour: Colour
    overdue: bool
    green_waiting: bool
    blue_waiting: bool


def run_counter(policy: QueuePolicy, plan: Plan, streak: int) -> list[Call]:
    """One counter serving every matter: arrivals, time passes, one call; repeat. Checks each call."""
    pool: dict[str, Candidate] = {}
    seq = dict.fromkeys(COLOURS, 0)
    now = NOW
    calls: list[Call] = []
    for arrivals, dt in plan:
        for colour, appt, waited in arrivals:
            seq[colour] += 1
            tid = format_number(colour, seq[colour])
            slot = None if appt is None else now + appt
            pool[tid] = Candidate(tid, colour, float(seq[colour]), now - waited, slot)
        now += dt
        cands = list(pool.values())
        d = choose_next(cands, streak, now, policy)
        if not cands:
            assert d is None
            continue
        assert d is not None and d.ticket_id in pool
        assert d.streak >= 0
        picked = pool.pop(d.ticket_id)
        late = [c for c in cands if overdue(c, now, policy)]
        if late:
            assert overdue(picked, now, policy)
            assert picked.wait_start == min(c.wait_start for c in late)
        assert (d.reason == "overdue") == bool(late)
        calls.append(
            Call(
                picked.colour,
                bool(late),
                any(c.colour is Colour.GREEN for c in cands),
                any(c.colour is Colour.BLUE for c in cands),
            )
        )
        streak = d.streak
    return calls


@SIM
@given(policy=sim_policies.filter(lambda p: p.priority_burst >= 1), plan=steps, streak=st.integers(0, 6))
def test_at_most_one_blue_between_green_calls(policy: QueuePolicy, plan: Plan, streak: int) -> None:
    """While a green ticket waits, between green calls at most one blue that is not overdue (design §3).

    Overdue calls are outside the ratio rule and are skipped when counting.
    """
    blues_since_green = 0
    for call in run_counter(policy, plan, streak):
        if call.overdue:
            continue
        if not call.green_waiting or call.colour is Colour.GREEN:
            blues_since_green = 0
        elif call.colour is Colour.BLUE:
            blues_since_green += 1
            assert blues_since_green <= 1, "two blue calls in a row while a green ticket waits"
        else:
            pytest.fail("a yellow ticket was called (not overdue) while a green one waited")


@SIM
@given(policy=sim_policies, plan=steps, streak=st.integers(0, 6))
def test_priority_burst_bounds_green_yellow_runs(policy: QueuePolicy, plan: Plan, streak: int) -> None:
    """While a blue waits, at most priority_burst green/yellow calls in a row (overdue calls not counted)."""
    run = 0
    for call in run_counter(policy, plan, streak):
        if call.overdue:
            continue
        if not call.blue_waiting or call.colour is Colour.BLUE:
            run = 0
        else:
            run += 1
            assert run <= policy.priority_burst


def test_burst_worked_example() -> None:
    policy = QueuePolicy(max_wait_s=NEVER, priority_burst=2)
    cands = [Candidate(f"G{i}", Colour.GREEN, float(i), NOW) for i in (1, 2, 3)]
    cands += [Candidate(f"B{i}", Colour.BLUE, float(i), NOW) for i in (1, 2)]
    cands += [Candidate("Y1", Colour.YELLOW, 1.0, NOW)]
    assert [c.id for c in call_order(cands, NOW, policy)] == ["G1", "G2", "B1", "G3", "Y1", "B2"]
    d = choose_next(cands, 2, NOW, policy)
    assert d is not None and (d.ticket_id, d.reason, d.streak) == ("B1", "blue", 0)
    d = choose_next(cands, 1, NOW, policy)
    assert d is not None and (d.ticket_id, d.reason, d.streak) == ("G1", "priority", 2)
    # priority_burst = 0: no green/yellow call at all while a blue waits
    zero = QueuePolicy(max_wait_s=NEVER, priority_burst=0)
    assert [c.id for c in call_order(cands, NOW, zero)] == ["B1", "B2", "G1", "G2", "G3", "Y1"]


def test_overdue_calls_do_not_let_blue_run_twice_past_a_waiting_green() -> None:
    """Calls of overdue yellows between two blue calls must not count as priority calls of the burst."""
    policy = QueuePolicy(max_wait_s=1800, priority_burst=2)
    pool = {
        "Y1": Candidate("Y1", Colour.YELLOW, 1.0, NOW - 1700),
        "Y2": Candidate("Y2", Colour.YELLOW, 2.0, NOW - 1700),
        "G1": Candidate("G1", Colour.GREEN, 1.0, NOW),
        "B1": Candidate("B1", Colour.BLUE, 1.0, NOW),
        "B2": Candidate("B2", Colour.BLUE, 2.0, NOW),
    }
    streak, calls = 2, []  # two green/yellow calls just made
    for now in (NOW, NOW + 100, NOW + 100, NOW + 100):
        d = choose_next(pool.values(), streak, now, policy)
        assert d is not None
        calls.append((pool.pop(d.ticket_id).id, d.reason))
        streak = d.streak
    assert calls == [("B1", "blue"), ("Y1", "overdue"), ("Y2", "overdue"), ("G1", "priority")]


# --- 3. several counters, one pool ------------------------------------------------------------------

events = st.lists(
    st.one_of(
        st.tuples(st.just("arrive"), st.integers(0, 3), st.sampled_from(COLOURS)),
        st.tuples(st.just("call"), st.integers(0, 3), st.just(Colour.BLUE)),
        st.tuples(st.just("tick"), st.integers(0, 1200), st.just(Colour.BLUE)),
    ),
    max_size=60,
)


@SIM
@given(
    policy=policies,
    counters=st.lists(st.frozensets(st.integers(0, 3), min_size=1), min_size=1, max_size=4),
    script=events,
)
def test_no_ticket_is_called_twice_and_counters_keep_to_their_matters(
    policy: QueuePolicy, counters: list[frozenset[int]], script: list[tuple[str, int, Colour]]
) -> None:
    pool: dict[str, Candidate] = {}
    matter_of: dict[str, int] = {}
    streaks = [0] * len(counters)
    seq = dict.fromkeys(COLOURS, 0)
    called: list[str] = []
    now = NOW
    for kind, arg, colour in script:
        if kind == "arrive":
            seq[colour] += 1
            tid = format_number(colour, seq[colour])
            pool[tid] = Candidate(tid, colour, float(seq[colour]), now)
            matter_of[tid] = arg
        elif kind == "tick":
            now += arg
        else:
            k = arg % len(counters)
            cands = [c for c in pool.values() if matter_of[c.id] in counters[k]]
            d = choose_next(cands, streaks[k], now, policy)
            if not cands:
                assert d is None
                continue
            assert d is not None
            assert d.ticket_id in {c.id for c in cands}, (
                "called a ticket that was not offered to this counter"
            )
            assert d.ticket_id not in called
            assert matter_of[d.ticket_id] in counters[k]
            if any(overdue(c, now, policy) for c in cands):
                assert overdue(pool[d.ticket_id], now, policy)
            called.append(d.ticket_id)
            del pool[d.ticket_id]
            streaks[k] = d.streak
    assert len(called) == len(set(called))
    assert set(called).isdisjoint(pool)
    assert set(called) | set(pool) == set(matter_of)


# --- 4. order within a colour and across colours ----------------------------------------------------


def assert_first_in_colour(picked: Candidate, same: list[Candidate]) -> None:
    """Within a colour: checked-in appointments whose slot has begun (earliest slot), then order of issue."""
    begun = [
        c.appointment_start for c in same if c.appointment_start is not None and c.appointment_start <= NOW
    ]
    if begun:
        assert slot_begun(picked, NOW), "an ordinary ticket was called before a begun appointment"
        assert picked.appointment_start == min(begun)
    else:
        assert picked.position == min(c.position for c in same), "not the first in order of issue"


@FAST
@given(colour=st.sampled_from(COLOURS), data=st.data(), streak=st.integers(0, 6))
def test_within_a_colour_begun_appointments_then_order_of_issue(
    colour: Colour, data: st.DataObject, streak: int
) -> None:
    policy = QueuePolicy(max_wait_s=NEVER)
    cands = data.draw(candidate_lists(colours=[colour], min_size=1))
    d = choose_next(cands, streak, NOW, policy)
    assert d is not None
    assert_first_in_colour(next(c for c in cands if c.id == d.ticket_id), cands)

    order = call_order(cands, NOW, policy)
    assert sorted(c.id for c in order) == sorted(c.id for c in cands)
    flags = [slot_begun(c, NOW) for c in order]
    assert flags == sorted(flags, reverse=True), "a begun appointment came after an ordinary ticket"
    rest = [c.position for c in order if not slot_begun(c, NOW)]
    assert rest == sorted(rest), "ordinary tickets out of order of issue"


@FAST
@given(burst=st.integers(0, 4), cands=candidate_lists(min_size=1), streak=st.integers(0, 6))
def test_green_before_yellow_before_blue(burst: int, cands: list[Candidate], streak: int) -> None:
    policy = QueuePolicy(max_wait_s=NEVER, priority_burst=burst)
    d = choose_next(cands, streak, NOW, policy)
    assert d is not None
    picked = next(c for c in cands if c.id == d.ticket_id)
    blues = [c for c in cands if c.colour is Colour.BLUE]
    if streak < burst or not blues:
        assert COLOURS.index(picked.colour) == min(COLOURS.index(c.colour) for c in cands)
        assert d.streak == (0 if picked.colour is Colour.BLUE else streak + 1)
    else:
        assert picked.colour is Colour.BLUE
        assert (d.reason, d.streak) == ("blue", 0)
    assert_first_in_colour(picked, [c for c in cands if c.colour is picked.colour])


def test_appointment_whose_slot_has_not_begun_waits_its_turn() -> None:
    policy = QueuePolicy(max_wait_s=NEVER)
    cands = [
        Candidate("B1", Colour.BLUE, 1.0, NOW),
        Candidate("B2", Colour.BLUE, 2.0, NOW, appointment_start=NOW + 60),  # slot not yet begun
        Candidate("B3", Colour.BLUE, 3.0, NOW, appointment_start=NOW),  # slot begins now
    ]
    assert [c.id for c in call_order(cands, NOW, policy)] == ["B3", "B1", "B2"]
    assert [c.id for c in call_order(cands, NOW + 60, policy)] == ["B3", "B2", "B1"]


@FAST
@given(
    policy=policies,
    cands=candidate_lists(max_size=14),
    streak=st.integers(0, 6),
    data=st.data(),
)
def test_the_deciding_few_choose_exactly_as_all_candidates(
    policy: QueuePolicy, cands: list[Candidate], streak: int, data: st.DataObject
) -> None:
    """What lets a store fetch a handful of rows by index instead of every waiting ticket."""
    few = deciding(cands, NOW)
    assert {c.id for c in few} <= {c.id for c in cands}
    assert choose_next(few, streak, NOW, policy) == choose_next(cands, streak, NOW, policy)
    # A store may fetch more than the few (a head per matter, say): any superset decides alike.
    extra = data.draw(st.lists(st.sampled_from(cands), unique_by=lambda c: c.id)) if cands else []
    more = data.draw(st.permutations(list({c.id: c for c in [*few, *extra]}.values())))
    assert choose_next(more, streak, NOW, policy) == choose_next(cands, streak, NOW, policy)


def test_deciding_keeps_each_colours_longest_waiting_ticket() -> None:
    policy = QueuePolicy(max_wait_s=1800)
    cands = [
        Candidate("B1", Colour.BLUE, 1.0, NOW - 2000),
        Candidate("B2", Colour.BLUE, 2.0, NOW - 1000),
        Candidate("Y5", Colour.YELLOW, 5.0, NOW - 2000),  # tied with B1 and not its colour's head
        Candidate("Y6", Colour.YELLOW, 6.0, NOW - 2000),  # tied too, but after Y5 in calling order
        Candidate("Y1", Colour.YELLOW, 1.0, NOW - 10),
    ]
    assert {c.id for c in deciding(cands, NOW)} == {"B1", "Y5", "Y1"}
    d = choose_next(deciding(cands, NOW), 0, NOW, policy)
    assert d is not None and (d.ticket_id, d.reason) == ("Y5", "overdue")


# --- 5. numbering and business days -----------------------------------------------------------------


@FAST
@given(
    a=st.tuples(st.sampled_from(COLOURS), st.integers(1, 20_000)),
    b=st.tuples(st.sampled_from(COLOURS), st.integers(1, 20_000)),
)
def test_format_number_is_injective_and_readable(a: tuple[Colour, int], b: tuple[Colour, int]) -> None:
    sa, sb = format_number(*a), format_number(*b)
    assert (sa == sb) == (a == b)
    colour, n = a
    assert sa[0] == {Colour.GREEN: "G", Colour.YELLOW: "Y", Colour.BLUE: "B"}[colour]
    assert sa[1:].isdigit() and int(sa[1:]) == n
    assert len(sa) == max(4, 1 + len(str(n)))


def test_format_number_examples() -> None:
    assert format_number(Colour.GREEN, 1) == "G001"
    assert format_number(Colour.YELLOW, 42) == "Y042"
    assert format_number(Colour.BLUE, 999) == "B999"
    assert format_number(Colour.GREEN, 1000) == "G1000"
    for bad in (0, -1):
        with pytest.raises(ValueError):
            format_number(Colour.BLUE, bad)


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() + 1) % 7)


# Berlin's DST changes (last Sunday of March and October), and the days around them
dst_days = st.builds(
    lambda y, m, k: _last_sunday(y, m) + timedelta(days=k),
    st.integers(2000, 2037),
    st.sampled_from([3, 10]),
    st.integers(-1, 1),
)
minutes = st.one_of(st.integers(0, 1439), st.integers(110, 190))  # the second: around the DST hour


@FAST
@given(
    day=st.one_of(st.dates(date(2000, 1, 1), date(2037, 12, 31)), dst_days),
    tz=st.sampled_from(ZONES),
    minute=minutes,
    frac=st.floats(0, 1, exclude_max=True),
)
def test_day_bounds_are_contiguous_and_agree_with_business_day(
    day: date, tz: ZoneInfo, minute: int, frac: float
) -> None:
    policy = QueuePolicy(day_start_minute=minute)
    start, end = day_bounds(day, tz, policy)
    assert day_bounds(day + timedelta(days=1), tz, policy)[0] == end
    assert day_bounds(day - timedelta(days=1), tz, policy)[1] == start
    assert 22 * 3600 <= end - start <= 26 * 3600
    assert business_day(start, tz, policy) == day
    assert business_day(end - 0.001, tz, policy) == day
    assert business_day(min(start + frac * (end - start), end - 0.001), tz, policy) == day
    assert business_day(end, tz, policy) == day + timedelta(days=1)
    assert business_day(start - 0.001, tz, policy) == day - timedelta(days=1)


# (zone, instant): near one of Berlin's DST changes (01:00 UTC on its day), or any instant in any zone
zoned_instants = st.one_of(
    st.tuples(
        st.just(BERLIN),
        st.builds(
            lambda d, s: datetime.combine(d, time(1), UTC).timestamp() + s,
            st.builds(_last_sunday, st.integers(2000, 2037), st.sampled_from([3, 10])),
            st.integers(-3 * 3600, 3 * 3600),
        ),
    ),
    st.tuples(st.sampled_from(ZONES), st.integers(946_684_800, 2_145_916_800).map(float)),
)


@FAST
@given(zoned=zoned_instants, minute=minutes, step=st.integers(1, 3 * 3600))
def test_business_day_of_any_instant_lies_in_its_bounds_and_never_goes_back(
    zoned: tuple[ZoneInfo, float], minute: int, step: int
) -> None:
    tz, t = zoned
    policy = QueuePolicy(day_start_minute=minute)
    d = business_day(t, tz, policy)
    start, end = day_bounds(d, tz, policy)
    assert start <= t < end
    assert business_day(t + step, tz, policy) >= d


@pytest.mark.parametrize("minute", [0, 150, 240])
@pytest.mark.parametrize("day", [date(2024, 3, 31), date(2024, 10, 27)])
def test_every_minute_across_berlin_dst_changes(day: date, minute: int) -> None:
    policy = QueuePolicy(day_start_minute=minute)
    start = datetime.combine(day - timedelta(days=1), time(0), BERLIN).timestamp()
    days = [business_day(start + 60 * i, BERLIN, policy) for i in range(3 * 24 * 60)]
    assert days == sorted(days)
    for i, d in enumerate(days):
        lo, hi = day_bounds(d, BERLIN, policy)
        assert lo <= start + 60 * i < hi


def test_business_day_examples() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    four = QueuePolicy(day_start_minute=240)
    two_am = datetime(2024, 6, 2, 2, 0, tzinfo=shanghai).timestamp()
    assert business_day(two_am, shanghai, four) == date(2024, 6, 1)
    assert business_day(two_am, shanghai, QueuePolicy()) == date(2024, 6, 2)
    assert day_bounds(date(2024, 6, 1), shanghai, four) == (
        datetime(2024, 6, 1, 4, tzinfo=shanghai).timestamp(),
        datetime(2024, 6, 2, 4, tzinfo=shanghai).timestamp(),
    )
    # Berlin spring-forward day, business day starting 02:30 (a time that does not exist that day):
    # the day starts when the clocks jump, and the day before is 23 hours long
    p = QueuePolicy(day_start_minute=150)
    jump = datetime(2024, 3, 31, 3, 0, tzinfo=BERLIN).timestamp()
    assert day_bounds(date(2024, 3, 31), BERLIN, p)[0] == jump
    assert business_day(jump, BERLIN, p) == date(2024, 3, 31)
    assert business_day(jump - 1, BERLIN, p) == date(2024, 3, 30)
    # fall-back day, 02:30 happens twice: the day starts at the first 02:30 and the repeated hour stays in it
    first = datetime(2024, 10, 27, 2, 30, fold=0, tzinfo=BERLIN).timestamp()
    second = datetime(2024, 10, 27, 2, 15, fold=1, tzinfo=BERLIN).timestamp()
    assert day_bounds(date(2024, 10, 27), BERLIN, p)[0] == first
    assert business_day(second, BERLIN, p) == date(2024, 10, 27)


# --- 6. ticket life ---------------------------------------------------------------------------------

S = Status
# The design's transitions, restated independently of the implementation's table.
ALLOWED: dict[tuple[Status, str], Status] = {
    (S.WAITING, "call"): S.CALLED,
    (S.CALLED, "start"): S.SERVING,
    (S.SERVING, "finish"): S.DONE,
    (S.CALLED, "recall"): S.CALLED,
    (S.CALLED, "no_show"): S.NO_SHOW,
    (S.NO_SHOW, "reinstate"): S.WAITING,
    (S.WAITING, "cancel"): S.CANCELLED,
    (S.CALLED, "cancel"): S.CANCELLED,
    (S.SERVING, "transfer"): S.WAITING,
    (S.WAITING, "expire"): S.EXPIRED,
    (S.CALLED, "expire"): S.EXPIRED,
    (S.SERVING, "expire"): S.EXPIRED,
}
# The stable error code when an action is refused because of the ticket's status.
REFUSAL_CODE = {
    "call": "ticket_not_waiting",
    "start": "ticket_not_called",
    "recall": "ticket_not_called",
    "no_show": "ticket_not_called",
    "finish": "ticket_not_serving",
    "transfer": "ticket_not_serving",
    "reinstate": "ticket_not_no_show",
    "cancel": "ticket_not_active",
    "expire": "ticket_not_active",
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, REFUSAL_CODE)))
def test_every_status_action_pair(status: Status, action: str) -> None:
    policy = QueuePolicy(max_recalls=2)
    expected = ALLOWED.get((status, action))
    if expected is not None:
        assert transition(status, action, 0, policy) is expected
        if action != "recall":  # only recall depends on the count
            assert transition(status, action, 99, policy) is expected
    else:
        with pytest.raises(TransitionError) as err:
            transition(status, action, 0, policy)
        assert err.value.code == REFUSAL_CODE[action]
        assert isinstance(err.value, ValueError)
        assert err.value.message and str(err.value) == err.value.message


def test_terminal_statuses_and_active_ones() -> None:
    assert set(ACTIVE_STATUSES) == {S.WAITING, S.CALLED, S.SERVING}
    for status in (S.DONE, S.CANCELLED, S.EXPIRED):
        for action in REFUSAL_CODE:
            with pytest.raises(TransitionError):
                transition(status, action, 0, QueuePolicy())


@FAST
@given(max_recalls=st.integers(0, 5), recalls=st.integers(0, 8))
def test_recall_at_most_max_recalls(max_recalls: int, recalls: int) -> None:
    policy = QueuePolicy(max_recalls=max_recalls)
    if recalls < max_recalls:
        assert transition(S.CALLED, "recall", recalls, policy) is S.CALLED
    else:
        with pytest.raises(TransitionError) as err:
            transition(S.CALLED, "recall", recalls, policy)
        assert err.value.code == "max_recalls_reached"
    # the limit never blocks marking a no-show
    assert transition(S.CALLED, "no_show", recalls, policy) is S.NO_SHOW


@FAST
@given(max_recalls=st.integers(0, 4), actions=st.lists(st.sampled_from(list(REFUSAL_CODE)), max_size=30))
def test_ticket_life_walk(max_recalls: int, actions: list[str]) -> None:
    """A random walk: accepted steps follow the design's table, recalls per call never exceed the limit."""
    policy = QueuePolicy(max_recalls=max_recalls)
    status, recalls = S.WAITING, 0
    for action in actions:
        try:
            nxt = transition(status, action, recalls, policy)
        except TransitionError as err:
            assert (status, action) not in ALLOWED or (action == "recall" and recalls >= max_recalls)
            assert err.code in {*REFUSAL_CODE.values(), "max_recalls_reached"}
            continue
        assert ALLOWED[(status, action)] is nxt
        recalls = recalls + 1 if action == "recall" else 0 if action == "call" else recalls
        assert recalls <= max_recalls
        status = nxt


def test_unknown_action_is_a_transition_error() -> None:
    with pytest.raises(TransitionError) as err:
        transition(S.WAITING, "teleport", 0, QueuePolicy())
    assert err.value.code == "unknown_action"


# --- 7. requeue and transfer placement --------------------------------------------------------------


@FAST
@given(
    positions=st.lists(st.integers(-10_000, 10_000), max_size=15, unique=True),
    scale=st.sampled_from([1.0, 0.5, 0.001, 1024.0]),
    offset=st.integers(0, 20),
    fallback=st.floats(-1e6, 1e6),
)
def test_requeue_position_puts_exactly_offset_tickets_ahead(
    positions: list[int], scale: float, offset: int, fallback: float
) -> None:
    ps = [p * scale for p in positions]
    r = requeue_position(ps, offset, fallback)
    if not ps:
        assert r == fallback
        return
    assert r not in ps
    assert sum(p < r for p in ps) == min(offset, len(ps))
    f = front_position(ps, fallback)
    assert all(f < p for p in ps)
    assert front_position([], fallback) == fallback


@FAST
@given(start=st.integers(1, 6), offset=st.integers(1, 4), rounds=st.integers(1, 40))
def test_repeated_reinstatements_keep_a_strict_order(start: int, offset: int, rounds: int) -> None:
    """No-shows reinstated one after another while the front does not move: each lands offset-th, in order."""
    ps = [float(i) for i in range(1, start + 1)]
    for _ in range(rounds):
        r = requeue_position(ps, offset, 0.0)
        assert r not in ps
        assert sum(p < r for p in ps) == min(offset, len(ps))
        ps.append(r)


def test_requeue_examples() -> None:
    assert requeue_position([1.0, 2.0, 3.0, 4.0, 5.0], 3, 0.0) == 3.5
    assert requeue_position([5.0, 1.0, 3.0], 3, 0.0) > 5.0
    assert requeue_position([2.0, 1.0], 0, 0.0) < 1.0
    assert requeue_position([], 3, 7.0) == 7.0
    assert front_position([3.0, 2.0], 9.0) < 2.0


# --- 8. colour choice -------------------------------------------------------------------------------


@FAST
@given(enterprise=st.booleans(), reason=st.one_of(st.none(), st.sampled_from(GREEN_REASONS)))
def test_choose_colour(enterprise: bool, reason: str | None) -> None:
    colour = choose_colour(enterprise, reason)
    if reason is not None:
        assert colour is Colour.GREEN  # green follows the person, even on an enterprise matter
    elif enterprise:
        assert colour is Colour.YELLOW
    else:
        assert colour is Colour.BLUE


@FAST
@given(enterprise=st.booleans(), reason=st.text(max_size=12).filter(lambda s: s not in GREEN_REASONS))
def test_choose_colour_rejects_unknown_reasons(enterprise: bool, reason: str) -> None:
    with pytest.raises(ValueError):
        choose_colour(enterprise, reason)


def test_green_age_threshold_examples() -> None:
    policy = QueuePolicy(green_age=60)
    birth = date(1964, 5, 20)
    assert is_green_age(birth, date(2024, 5, 20), policy)  # the 60th birthday itself
    assert not is_green_age(birth, date(2024, 5, 19), policy)
    assert not is_green_age(birth, date(2024, 5, 20), QueuePolicy(green_age=61))
    leap = date(1964, 2, 29)
    assert age_on(leap, date(2023, 2, 28)) == 58
    assert age_on(leap, date(2023, 3, 1)) == 59


def test_green_reasons_cover_the_design() -> None:
    assert set(GREEN_REASONS) == {"age", "disability", "illness", "pregnancy", "military"}


@FAST
@given(
    birth=st.dates(date(1900, 1, 1), date(2010, 12, 31)), years=st.integers(0, 110), days=st.integers(1, 364)
)
def test_age_on_counts_whole_years(birth: date, years: int, days: int) -> None:
    try:
        birthday = birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year: the birthday is counted from 1 March
        birthday = date(birth.year + years, 3, 1)
    assert age_on(birth, birthday) == years
    if years:
        assert age_on(birth, birthday - timedelta(days=1)) == years - 1
    assert age_on(birth, birthday + timedelta(days=days)) in (years, years + 1)
    policy = QueuePolicy(green_age=60)
    assert is_green_age(birth, birthday, policy) == (years >= 60)


# --- 9. wait estimate -------------------------------------------------------------------------------


@FAST
@given(
    policy=policies, cands=candidate_lists(min_size=1), mean=st.floats(0, 3600), counters=st.integers(0, 12)
)
def test_waiting_ahead_is_bounded_and_zero_for_the_next_called(
    policy: QueuePolicy, cands: list[Candidate], mean: float, counters: int
) -> None:
    policy = QueuePolicy(max_wait_s=NEVER, priority_burst=policy.priority_burst)
    for target in cands:
        ahead = waiting_ahead(target, cands, NOW, policy)
        assert 0 <= ahead <= len(cands) - 1
        assert estimate_wait_s(ahead, mean, counters) >= 0
    d = choose_next(cands, 0, NOW, policy)
    assert d is not None
    first = next(c for c in cands if c.id == d.ticket_id)
    assert waiting_ahead(first, cands, NOW, policy) == 0
    # the green ticket a counter would call first has nobody ahead, whatever else waits
    greens = [c for c in cands if c.colour is Colour.GREEN]
    if greens:
        g = call_order(greens, NOW, policy)[0]
        assert waiting_ahead(g, cands, NOW, policy) == 0
        assert all(waiting_ahead(c, cands, NOW, policy) >= 1 for c in greens if c is not g)


@FAST
@given(
    policy=policies,
    cands=candidate_lists(appointments=False),
    colour=st.sampled_from(COLOURS),
    extra=st.integers(1, 5),
)
def test_waiting_ahead_grows_with_same_colour_tickets_ahead(
    policy: QueuePolicy, cands: list[Candidate], colour: Colour, extra: int
) -> None:
    target = Candidate("target", colour, 1000.0, NOW)
    base = waiting_ahead(target, cands, NOW, policy)
    previous = base
    more = list(cands)
    for i in range(extra):
        more.append(Candidate(f"ahead{i}", colour, -100.0 - i, NOW))
        now_ahead = waiting_ahead(target, more, NOW, policy)
        assert now_ahead >= previous + 1
        previous = now_ahead
    behind = [*cands, Candidate("behind", colour, 2000.0, NOW)]
    assert waiting_ahead(target, behind, NOW, policy) == base


@FAST
@given(
    ahead=st.integers(0, 200), mean=st.floats(0, 3600), counters=st.integers(0, 12), more=st.integers(1, 10)
)
def test_estimate_wait_monotone(ahead: int, mean: float, counters: int, more: int) -> None:
    est = estimate_wait_s(ahead, mean, counters)
    assert est >= 0
    assert estimate_wait_s(ahead + more, mean, counters) >= est
    assert estimate_wait_s(ahead, mean, counters + more) <= est
    assert estimate_wait_s(0, mean, counters) == 0
    assert est >= ahead * mean / max(1, counters) - 1e-6


def test_estimate_examples() -> None:
    policy = QueuePolicy(priority_burst=2)
    blue = Candidate("B5", Colour.BLUE, 5.0, NOW)
    others = [Candidate(f"G{i}", Colour.GREEN, float(i), NOW) for i in range(10)]
    others += [Candidate(f"B{i}", Colour.BLUE, float(i), NOW) for i in range(1, 5)]
    # 4 blues ahead; greens capped at 2 per blue called (5 blues including this one): 10
    assert waiting_ahead(blue, others, NOW, policy) == 4 + 10
    assert waiting_ahead(blue, others[:3] + others[10:], NOW, policy) == 4 + 3
    assert estimate_wait_s(7, 300.0, 2) == 1050
    assert estimate_wait_s(3, 100.0, 0) == 300
