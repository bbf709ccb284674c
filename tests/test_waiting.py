"""The waiting queue read by index (kiosk.hall.service.waiting) against the pure policy, on real databases.

The calling rule and the wait estimate are defined once, in `kiosk.hall.policy`, over every waiting ticket.
The store fetches only a few rows by index and keeps waiting counts with triggers; these properties prove,
with hypothesis-generated queues in real SQLite and PostgreSQL databases, that the policy then chooses and
counts exactly as over all candidates. The last test shows the work per issue and per call-next does not
grow with the queue, counted in SQLite virtual-machine steps (deterministic, unlike a timing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, event, insert, select, update

from kiosk.config import load_config
from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from kiosk.hall.service import HallService
from kiosk.hall.service import waiting as W
from kiosk.hall.service.counts import counts_from_rows, waiting_counts
from kiosk.hall.store import Store, database_url, open_store
from tests.support import Postgres

NOW = 1_764_000_000.0
TODAY = "2026-11-24"
MATTERS = ("m_a", "m_b", "m_c", "m_d")
DB_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if request.param == "sqlite":
        url = database_url(tmp_path_factory.mktemp("waiting"), None)
    else:
        pg: Postgres = request.getfixturevalue("pg")
        url = database_url(None, pg.createdb("waiting_props"))
    s = open_store(url)
    yield s
    s.dispose()


policies = st.builds(
    P.QueuePolicy,
    max_wait_s=st.sampled_from([60, 600, 1800, 10**9]),
    priority_burst=st.integers(0, 4),
)


@st.composite
def queues(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Tickets of several matters, days and statuses; waits and slots drawn coarse so that ties happen."""
    n = draw(st.integers(0, 24))
    positions = draw(st.lists(st.integers(-20, 200), min_size=n, max_size=n, unique=True))
    rows = []
    for i, pos in enumerate(positions):
        colour = draw(st.sampled_from(list(P.Colour)))
        appt = draw(st.one_of(st.none(), st.sampled_from([-600.0, -60.0, 0.0, 60.0, 600.0])))
        rows.append(
            {
                "id": f"t{i:03d}",
                "day": draw(st.sampled_from([TODAY, TODAY, TODAY, "2026-11-23"])),
                "colour": colour.value,
                "number": f"{colour.prefix}{i:03d}",
                "matter": draw(st.sampled_from(MATTERS)),
                "status": draw(st.sampled_from(["waiting"] * 4 + ["called", "done", "no_show"])),
                "green_reason": None,
                "appointment_id": None,
                "appointment_start": None if appt is None else NOW + appt,
                "position": float(pos),
                "wait_start": NOW - draw(st.sampled_from([0, 30, 600, 1800, 2400, 3000])),
                "issued_at": NOW - 3600,
                "recalls": 0,
                "transfers": 0,
            }
        )
    return rows


def load(conn: Connection, rows: list[dict[str, Any]], moves: list[tuple[int, str]]) -> None:
    """Insert the queue, then change some statuses and matters, as calls, transfers and reinstates do."""
    conn.execute(delete(S.tickets))
    if rows:
        conn.execute(insert(S.tickets), rows)
    for i, change in moves:
        if rows:
            row = rows[i % len(rows)]
            values = {"matter": change} if change in MATTERS else {"status": change}
            conn.execute(update(S.tickets).where(S.tickets.c.id == row["id"]).values(**values))


def waiting_today(conn: Connection) -> list[Any]:
    t = S.tickets.c
    return list(conn.execute(select(S.tickets).where(t.status == "waiting", t.day == TODAY)).all())


moves = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from(["waiting", "called", "cancelled", *MATTERS])), max_size=6
)


@DB_SETTINGS
@given(
    rows=queues(),
    moved=moves,
    served=st.sets(st.sampled_from(MATTERS), min_size=1),
    policy=policies,
    streak=st.integers(0, 5),
    later=st.sampled_from([0.0, 60.0, 700.0]),
)
def test_call_next_from_the_indexed_rows_chooses_as_from_all(
    store: Store,
    rows: list[dict[str, Any]],
    moved: list[tuple[int, str]],
    served: set[str],
    policy: P.QueuePolicy,
    streak: int,
    later: float,
) -> None:
    now = NOW + later  # slots begin as time passes: "begun" is decided by `now`, never stored
    with store.write.begin() as conn:
        load(conn, rows, moved)
        everything = [W.candidate(r) for r in waiting_today(conn) if r.matter in served]
        fetched = W.deciding_rows(conn, TODAY, served, now)
        conn.rollback()
    assert {c.id for c in P.deciding(everything, now)} <= set(fetched)
    assert all(r.id in {c.id for c in everything} for r in fetched.values())
    got = P.choose_next([W.candidate(r) for r in fetched.values()], streak, now, policy)
    assert got == P.choose_next(everything, streak, now, policy)


@DB_SETTINGS
@given(
    rows=queues(),
    moved=moves,
    shared=st.sets(st.sampled_from(MATTERS), min_size=1),
    policy=policies,
    later=st.sampled_from([0.0, 60.0, 700.0]),
)
def test_waiting_ahead_from_counters_equals_the_policy_over_all(
    store: Store,
    rows: list[dict[str, Any]],
    moved: list[tuple[int, str]],
    shared: set[str],
    policy: P.QueuePolicy,
    later: float,
) -> None:
    now = NOW + later
    with store.write.begin() as conn:
        load(conn, rows, moved)
        waiting = [r for r in waiting_today(conn) if r.matter in shared]
        everyone = [W.candidate(r) for r in waiting]
        for r in waiting:
            expected = P.waiting_ahead(W.candidate(r), everyone, now, policy)
            assert W.waiting_ahead(conn, r, shared, now, policy) == expected, r.id
            if not P.is_begun(W.candidate(r), now):
                # The issue path's read: the same place, and the day's counts, in one round trip.
                ahead, day_rows = W.ahead_and_day_counts(conn, r, shared, now, policy)
                assert ahead == expected, r.id
                assert counts_from_rows(day_rows) == waiting_counts(conn, r.day)
        # The triggers' counters agree with a plain count after every kind of change.
        counted: dict[tuple[str, str, str], int] = {}
        for r in conn.execute(select(S.tickets).where(S.tickets.c.status == "waiting")).all():
            counted[(r.day, r.matter, r.colour)] = counted.get((r.day, r.matter, r.colour), 0) + 1
        kept = {(r.day, r.matter, r.colour): r.n for r in conn.execute(select(S.waiting_counts)) if r.n}
        assert kept == counted
        conn.rollback()


# --- the work per request does not grow with the queue --------------------------------------------------


class VmSteps:
    """SQLite virtual-machine instructions run on the writer's connection, counted by a progress handler."""

    EVERY = 10

    def __init__(self, store: Store) -> None:
        self.steps = 0
        store.write.dispose()  # the writer must open a fresh connection, with the handler installed
        event.listen(store.write, "connect", self._install)

    def _install(self, dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.set_progress_handler(self._tick, self.EVERY)

    def _tick(self) -> int:
        self.steps += self.EVERY
        return 0  # 0: carry on


def test_issue_and_call_next_do_the_same_work_with_a_long_queue(tmp_path: Path) -> None:
    store = open_store(database_url(tmp_path, None))
    vm = VmSteps(store)
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store)
    try:
        svc.put_counter("1", 1, "1号窗口", "Window 1", [], ["social", "enterprise"])
        bodies = [
            ("pension_enrol", None),
            ("ss_card_apply", "age"),
            ("employer_social_insurance_registration", None),
        ]

        def fill(n: int) -> None:
            futures = [svc.submit_issue(*bodies[i % 3]) for i in range(n)]
            for f in futures:
                f.result(60)

        def work() -> tuple[int, int]:
            before = vm.steps
            svc.issue_ticket(*bodies[0])
            issued = vm.steps - before
            before = vm.steps
            assert svc.call_next("1") is not None
            called = vm.steps - before
            svc.no_show("1")
            return issued, called

        fill(20)
        short = [work() for _ in range(3)]
        fill(3000)
        long = [work() for _ in range(3)]
    finally:
        svc.close()
        store.dispose()
    issue_short, call_short = min(s[0] for s in short), min(s[1] for s in short)
    issue_long, call_long = min(s[0] for s in long), min(s[1] for s in long)
    assert issue_long <= 1.2 * issue_short, (issue_short, issue_long)
    assert call_long <= 1.2 * call_short, (call_short, call_long)
