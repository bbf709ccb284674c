"""Opening hours, ticket hours and quotas: the pure rules, and the refusals of a real `kiosk serve`."""

from __future__ import annotations

import concurrent.futures
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hall import hours as H
from tests.conftest import HallFactory
from tests.support import Api

SOCIAL = "pension_enrol"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL_WEEK_24H = "\n".join(f'{d} = ["00:00-24:00"]' for d in H.WEEKDAYS)


# --- the pure rules -------------------------------------------------------------------------------


@st.composite
def day_ranges(draw: st.DrawFn) -> H.Ranges:
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 60), max_size=6)))
    pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    # Ranges that touch are refused by the parser, so leave a gap of a minute where they would.
    out: list[tuple[int, int]] = []
    for a, b in pairs:
        if out and a <= out[-1][1]:
            continue
        out.append((a, b))
    return tuple(out)


schedules = st.builds(
    lambda week, closed: H.OpeningHours(tuple(week), frozenset(closed)),
    st.lists(day_ranges(), min_size=7, max_size=7),
    st.sets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=20),
)
instants = st.floats(
    datetime(2026, 1, 1, tzinfo=UTC).timestamp(), datetime(2027, 6, 1, tzinfo=UTC).timestamp()
)


@given(schedules, instants, st.sampled_from([SHANGHAI, ZoneInfo("UTC")]))
@settings(max_examples=300, deadline=None)
def test_next_opening_is_the_first_open_minute_after_a_closed_spell(
    hours: H.OpeningHours, now: float, tz: ZoneInfo
) -> None:
    nxt = H.next_opening(now, tz, hours)
    if nxt is None:
        # Nothing opens within the horizon: no minute of the next weeks is open either.
        assert not any(H.is_open(now + k * 3600.0, tz, hours) for k in range(1, 24 * 21))
        return
    assert nxt > now and H.is_open(nxt, tz, hours)
    local = datetime.fromtimestamp(nxt, tz)
    assert (local.second, local.microsecond) == (0, 0)
    assert H.format_ranges(hours.on(local.date()))  # opens only on a day with hours
    # A range starts there: the minute before is closed, unless that is yesterday's range running to 24:00.
    before = nxt - 60.0
    if H.is_open(before, tz, hours):
        assert (local.hour, local.minute) == (0, 0)
    if not H.is_open(now, tz, hours):
        step = max((nxt - now) / 50.0, 1.0)
        assert not any(H.is_open(now + k * step, tz, hours) for k in range(1, 50) if now + k * step < nxt)


@given(schedules, instants)
@settings(max_examples=200, deadline=None)
def test_closed_dates_close_the_whole_day(hours: H.OpeningHours, now: float) -> None:
    day = datetime.fromtimestamp(now, SHANGHAI).date()
    closed = H.OpeningHours(hours.week, hours.closed_dates | {day})
    assert not H.is_open(now, SHANGHAI, closed)
    nxt = H.next_opening(now, SHANGHAI, closed)
    assert nxt is None or datetime.fromtimestamp(nxt, SHANGHAI).date() > day


@given(day_ranges(), st.integers(0, 24 * 60 - 1))
def test_ranges_round_trip_and_membership(ranges: H.Ranges, minute: int) -> None:
    assert H.parse_ranges(H.format_ranges(ranges), "t") == ranges
    assert H.in_ranges(minute, ranges) == any(a <= minute < b for a, b in ranges)


@pytest.mark.parametrize(
    "texts",
    [
        ["9:00-12:00"],
        ["12:00-09:00"],
        ["09:00-24:01"],
        ["09:00-12:00", "11:00-13:00"],
        ["08:00-12:00", "12:00-13:00"],
    ],
)
def test_bad_ranges_are_refused_with_the_range_named(texts: list[str]) -> None:
    with pytest.raises(H.HoursError, match=r"hall\.hours\.mon"):
        H.parse_ranges(texts, "hall.hours.mon")


# --- against a real back office -------------------------------------------------------------------


def local_now() -> datetime:
    return datetime.now(SHANGHAI)


def elsewhere_range() -> str:
    """A one-minute range twelve hours away from now: certainly not now."""
    m = (local_now().hour * 60 + local_now().minute + 720) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}-{(m + 1) // 60:02d}:{(m + 1) % 60:02d}"


def test_outside_opening_hours_no_numbers_and_the_hours_are_shown(make_hall: HallFactory) -> None:
    closed_week = "\n".join(f"{d} = []" for d in H.WEEKDAYS)
    _, api = make_hall(hall="[hall.hours]\n" + closed_week)
    state = api.get("/hall/state").json()
    assert state["open"] is False and state["closed_by_staff"] is False and state["next_opening"] is None
    assert api.get("/health").json()["taking_tickets"] is False
    r = api.issue(SOCIAL)
    assert r.status_code == 409 and r.json()["code"] == "hall_closed", r.text
    assert r.json()["message_zh"] and r.json()["details"]["hours"]["week"]["mon"] == []


def test_a_closed_date_points_to_tomorrow(make_hall: HallFactory) -> None:
    today = local_now().date()
    _, api = make_hall(hall=f'closed_dates = ["{today.isoformat()}"]\n[hall.hours]\n{ALL_WEEK_24H}')
    r = api.issue(SOCIAL)
    assert r.json()["code"] == "hall_closed"
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), SHANGHAI)
    assert r.json()["details"]["next_opening"] == tomorrow.isoformat(timespec="seconds")
    assert api.get("/hall/state").json()["hours_today"] == []
    # Staff at a counter may still give a number by hand.
    assert api.issue_as("counter", SOCIAL).status_code == 201


def test_staff_close_and_open_the_hall(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    assert api.get("/hall/state").json()["open"] is True
    assert api.post("/hall/close", "kiosk", json={"reason": "x"}).json()["code"] == "forbidden"
    closed = api.post("/hall/close", "counter", json={"reason": "停电检修 power cut"})
    assert closed.status_code == 200 and closed.json()["open"] is False, closed.text
    assert closed.json()["reason"] == "停电检修 power cut" and closed.json()["closed_since"]
    r = api.issue(SOCIAL)
    assert r.status_code == 409 and r.json()["code"] == "hall_closed"
    assert r.json()["details"]["closed_by_staff"] is True and "停电检修" in r.json()["details"]["reason"]
    events = api.get("/events?since=0", "display").json()["events"]
    assert [e["type"] for e in events][-1] == "hall.closed"
    assert events[-1]["data"]["by"]["role"] == "counter"
    # The closing survives a restart of the back office.
    proc.stop()
    proc.start()
    assert api.get("/hall/state").json()["closed_by_staff"] is True
    assert api.issue(SOCIAL).json()["code"] == "hall_closed"
    opened = api.post("/hall/open", "admin")
    assert opened.status_code == 200 and opened.json()["open"] is True
    assert api.issue(SOCIAL).status_code == 201
    types = [e["type"] for e in api.get("/events?since=0", "display").json()["events"]]
    assert types.index("hall.closed") < types.index("hall.opened") < types.index("ticket.issued")


def test_outside_ticket_hours(make_hall: HallFactory) -> None:
    window = elsewhere_range()
    _, api = make_hall(hall=f'ticket_hours = ["{window}"]')
    r = api.issue(SOCIAL)
    assert r.status_code == 409 and r.json()["code"] == "outside_ticket_hours", r.text
    assert r.json()["details"] == {"matter": SOCIAL, "ticket_hours": [window]}
    assert api.get("/hall/state").json()["ticket_hours"] == [window]
    assert api.issue_as("counter", SOCIAL).status_code == 201


def test_daily_quota_two_kiosks_never_both_take_the_last_number(make_hall: HallFactory) -> None:
    _, api = make_hall(hall="daily_quota = 3")
    assert api.issue_as("counter", SOCIAL).status_code == 201  # counts towards the quota
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: issue_fresh(api), range(8)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 201] + [409] * 6, [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 409).json()
    assert refused["code"] == "quota_used" and refused["details"]["daily_quota"] == 3
    assert "window" in refused["message"] and refused["message_zh"]
    # Another matter has its own quota; a replay of an issued ticket is still answered.
    assert api.issue("medical_enrol").status_code == 201
    assert api.issue("medical_enrol", key="same").status_code == 201
    assert api.issue("medical_enrol", key="same").headers.get("Idempotent-Replayed") == "true"


def issue_fresh(api: Api):  # type: ignore[no-untyped-def]
    # httpx clients are not shared across threads here: one per request, as two kiosks would.
    with Api(api.base, api.tokens) as own:
        return own.issue(SOCIAL, key=os.urandom(8).hex())
