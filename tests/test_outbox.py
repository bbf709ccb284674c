"""The device outbox (kiosk.client.outbox): on disk until delivered, none lost and none twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.client import HallApiError, HallUnreachable, Refused
from kiosk.client.backoff import CAP_S, FIRST_S, retry_delay_s
from kiosk.client.outbox import Outbox, Outcome, State, classify
from tests.conftest import HallFactory
from tests.support import ROOT, LineReader
from tests.test_api import SOCIAL, setup_counters


@given(
    attempts=st.integers(min_value=-3, max_value=10_000),
    spread=st.floats(min_value=-1, max_value=2),
    other=st.floats(min_value=0, max_value=1),
)
def test_retry_delay_grows_to_a_cap_and_stays_in_its_step(attempts: int, spread: float, other: float) -> None:
    delay = retry_delay_s(attempts, spread)
    assert FIRST_S / 2 <= delay <= CAP_S
    top = retry_delay_s(attempts, 1.0)
    assert top / 2 == retry_delay_s(attempts, 0.0) and top / 2 <= delay <= top
    assert retry_delay_s(attempts + 1, 1.0) in (top, min(CAP_S, 2 * top))
    if attempts <= 1:
        assert top == FIRST_S
    if attempts >= 7:
        assert top == CAP_S
    low, high = sorted((spread, other))
    assert retry_delay_s(attempts, low) <= retry_delay_s(attempts, high)


def test_what_each_answer_means_for_an_item() -> None:
    assert classify(None) is Outcome.DELIVERED
    assert classify(HallUnreachable("down")) is Outcome.RETRY
    assert classify(Refused(401, "unauthenticated", "token revoked")) is Outcome.RETRY
    assert classify(HallApiError(503, "store_unavailable", "busy")) is Outcome.RETRY
    assert classify(HallApiError(409, "already_rated", "rated at the kiosk")) is Outcome.REJECTED
    assert classify(HallApiError(404, "unknown_ticket", "no such ticket")) is Outcome.REJECTED
    assert classify(OSError("disk")) is Outcome.RETRY


def test_items_survive_reopening_in_order_and_wait_out_their_backoff(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "box.sqlite3"
    box = Outbox(path, clock=lambda: now[0])
    first = box.put("rating", {"ticket": "t1", "level": 5, "tags": []})
    second = box.put("help", {"counter": "c1", "text": "需要帮助"})
    box.close()

    box = Outbox(path, clock=lambda: now[0])
    assert [(i.kind, i.key, dict(i.payload)) for i in box.due()] == [
        ("rating", first.key, {"ticket": "t1", "level": 5, "tags": []}),
        ("help", second.key, {"counter": "c1", "text": "需要帮助"}),
    ]
    assert first.key != second.key and len(first.key) >= 32
    box.mark_failed(first.id, "HallUnreachable: down", 4.0)
    assert [i.id for i in box.due()] == [second.id]
    now[0] += 4.0
    assert [i.id for i in box.due()] == [first.id, second.id]
    box.mark_failed(first.id, "HallUnreachable: down", 30.0)
    box.retry_now()
    assert [i.id for i in box.due()] == [first.id, second.id]
    box.mark_delivered(first.id)
    box.mark_rejected(second.id, "already_rated: rated elsewhere")
    assert box.due() == [] and box.pending_count() == 0 and box.next_due_at() is None
    states = [(i.state, i.attempts) for i in box.items()]
    assert states == [(State.DELIVERED, 3), (State.REJECTED, 1)]
    with pytest.raises(Exception, match="UNIQUE"):
        box.put("rating", {"ticket": "t2"}, key=first.key)
    box.close()


# The outbox's owner as its own process, so that the test can kill it with SIGKILL. With `hold`, it stops
# after the back office has accepted a rating and before the outbox marks it delivered: the crash window.
_OWNER = r"""
import sys, time
from kiosk.client import HallClient
from kiosk.client.outbox import DeliveryWorker, Outbox

path, url, token, mode, *ratings = sys.argv[1:]
box = Outbox(path)
for arg in ratings:
    ticket, level = arg.split(":")
    box.put("rating", {"ticket": ticket, "level": int(level), "tags": []})
print("PUT", box.pending_count(), flush=True)
client = HallClient(url, token)


def deliver(item):
    receipt = client.rate(item.payload["ticket"], item.payload["level"], item.payload["tags"], item.key)
    print("SENT", item.id, flush=True)
    if mode == "hold":
        time.sleep(120)
    return receipt


worker = DeliveryWorker(box, deliver)
worker.start()
while box.pending_count():
    time.sleep(0.05)
print("EMPTY", flush=True)
worker.stop()
"""


def _owner(*args: str) -> tuple[subprocess.Popen[bytes], LineReader]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _OWNER, *args],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return proc, LineReader(proc.stdout)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_killed_between_the_back_office_commit_and_the_mark_each_rating_lands_once(
    make_hall: HallFactory, tmp_path: Path
) -> None:
    hall, api = make_hall()
    setup_counters(api)
    tickets = []
    for _ in range(4):
        assert api.issue(SOCIAL).status_code == 201
        tickets.append(api.post("/counters/c1/call-next", "counter").json()["id"])
        for step in ("start", "finish"):
            assert api.post(f"/counters/c1/{step}", "counter").status_code == 200
    levels = dict(zip(tickets, (5, 4, 3, 1), strict=True))
    box_path = tmp_path / "device" / "outbox.sqlite3"
    token = api.tokens["display"]

    proc, out = _owner(str(box_path), hall.url, token, "hold", *(f"{t}:{n}" for t, n in levels.items()))
    try:
        assert out.line(30) == "PUT 4"
        assert out.line(30) == "SENT 1"  # the back office committed rating 1; the outbox has not marked it
    finally:
        proc.kill()
        proc.wait(10)

    proc, out = _owner(str(box_path), hall.url, token, "drain")
    try:
        assert out.line(30) == "PUT 4"
        lines = [out.line(30) for _ in range(5)]
        assert lines == ["SENT 1", "SENT 2", "SENT 3", "SENT 4", "EMPTY"]
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()

    box = Outbox(box_path)
    assert [(i.state, i.error) for i in box.items()] == [(State.DELIVERED, "")] * 4
    box.close()
    events = api.get("/events?since=0", "display").json()["events"]
    rated = [(e["data"]["ticket"]["id"], e["data"]["level"]) for e in events if e["type"] == "ticket.rated"]
    assert sorted(rated) == sorted(levels.items())  # each once, with its own level
    assert api.get("/stats", "technician").json()["ratings"]["count"] == 4


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_rating_redelivered_with_its_key_is_answered_not_refused(make_hall: HallFactory) -> None:
    _, api = make_hall()
    setup_counters(api)
    assert api.issue(SOCIAL).status_code == 201
    ticket = api.post("/counters/c1/call-next", "counter").json()["id"]
    for step in ("start", "finish"):
        assert api.post(f"/counters/c1/{step}", "counter").status_code == 200
    send = {"json": {"level": 2, "tags": ["attitude"]}, "headers": {"Idempotency-Key": "k-1"}}
    first = api.post(f"/tickets/{ticket}/rating", "display", **send)
    again = api.post(f"/tickets/{ticket}/rating", "display", **send)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    other = api.post(
        f"/tickets/{ticket}/rating",
        "display",
        json={"level": 5, "tags": []},
        headers={"Idempotency-Key": "k-2"},
    )
    assert other.status_code == 409 and other.json()["code"] == "already_rated"
    reused = api.post(
        f"/tickets/{ticket}/rating",
        "display",
        json={"level": 5, "tags": []},
        headers={"Idempotency-Key": "k-1"},
    )
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    assert api.get("/stats", "technician").json()["ratings"]["count"] == 1
