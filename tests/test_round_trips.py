"""Round trips to the database per request on the hot paths, counted (not timed), so they cannot creep back.

On PostgreSQL every statement, BEGIN and COMMIT is a round trip to the server; on SQLite each still costs a
trip through the driver. The counts are of a fresh hall with one counter and a short queue, which is the
case a deployed hall spends its day in; none of them depends on the queue's length (tests/test_waiting.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from kiosk.hall.service import HallService
from kiosk.hall.store import database_url, open_store
from tests.support import Postgres, hall_round_trips


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return database_url(tmp_path, None)
    pg: Postgres = request.getfixturevalue("pg")
    return database_url(None, pg.createdb(f"trips_{abs(hash(request.node.name)) % 10**8}"))


def test_issue_call_and_no_show_take_a_fixed_few_round_trips(url: str) -> None:
    trips = hall_round_trips(url)
    # Issue: replay check, number, ticket, its place and the event's counts, event, replay record.
    assert trips["issue"] == ["BEGIN", "SELECT", "UPDATE", "INSERT", "SELECT", "INSERT", "INSERT", "COMMIT"]
    # Call-next: counter with its current ticket, non-empty queues, their heads, the call, counts, event
    # (the counter's streak is unchanged by a blue call, so it is not written).
    assert trips["call_next"] == [
        "BEGIN",
        "SELECT",
        "SELECT",
        "SELECT",
        "UPDATE",
        "SELECT",
        "INSERT",
        "COMMIT",
    ]
    # No-show: counter with its current ticket, the change (returning the row), counts, event.
    assert trips["no_show"] == ["BEGIN", "SELECT", "UPDATE", "SELECT", "INSERT", "COMMIT"]


def test_a_counter_change_is_seen_by_the_next_ticket_and_a_rolled_back_one_is_not(url: str) -> None:
    """The counters' served matters are cached without a per-request check: every change must drop them."""
    store = open_store(url)
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store)

    def per_ticket_ahead() -> float:
        """Estimated wait divided by tickets ahead: the mean service time over the open counters."""
        body = svc.issue_ticket("pension_enrol").body
        return float(body["estimated_wait_s"]) / body["waiting_ahead"]

    try:
        svc.put_counter("c1", 1, "一号窗口", "Window 1", ["pension_enrol"], [])
        svc.issue_ticket("pension_enrol")
        one_open = per_ticket_ahead()
        svc.put_counter("c2", 2, "二号窗口", "Window 2", ["pension_enrol"], [])
        assert per_ticket_ahead() == pytest.approx(one_open / 2, rel=0.05)
        svc.set_paused("c2", True)
        assert per_ticket_ahead() == pytest.approx(one_open, rel=0.05)

        def resume_then_fail(tx):  # type: ignore[no-untyped-def]
            svc._counters_changed(tx)
            tx.conn.exec_driver_sql("UPDATE counters SET paused = false")
            assert svc._sharing(tx.conn, "pension_enrol")[1] == 2  # the command sees its own change
            raise RuntimeError("refused after the change")

        with pytest.raises(RuntimeError):
            svc.writer.run(resume_then_fail)
        # Rolled back: c2 is still paused for the next ticket.
        assert per_ticket_ahead() == pytest.approx(one_open, rel=0.05)
        svc.delete_counter("c2")
        svc.set_paused("c1", True)
        svc.put_counter("c3", 3, "三号窗口", "Window 3", ["pension_enrol"], [])
        svc.put_counter("c4", 4, "四号窗口", "Window 4", ["pension_enrol"], [])
        assert per_ticket_ahead() == pytest.approx(one_open / 2, rel=0.05)
    finally:
        svc.close()
        store.dispose()
