"""The shared device client (kiosk.client) against a real back office on loopback."""

from __future__ import annotations

import json
import queue
import subprocess
import sys

import pytest

from kiosk.client import (
    Event,
    EventFollower,
    FollowerState,
    HallApiError,
    HallClient,
    HallLink,
    HallUnreachable,
    Link,
    QueueSnapshot,
    Refused,
    Start,
)
from tests.conftest import HallFactory
from tests.support import ROOT, free_port
from tests.test_api import SOCIAL, setup_counters

on_sqlite = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_the_client_package_imports_no_back_office_qt_or_database() -> None:
    code = (
        "import json, sys, kiosk.client, kiosk.client.discovery, kiosk.client.outbox\n"
        "banned = ('kiosk.hall', 'PySide6', 'fastapi', 'sqlalchemy')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(banned))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert json.loads(out.stdout) == []


@on_sqlite
def test_rest_errors_are_typed(make_hall: HallFactory) -> None:
    hall, api = make_hall()
    with HallClient(hall.url, api.tokens["display"]) as client:
        assert client.health().last_seq >= 0
        with pytest.raises(HallApiError) as unknown:
            client.get("/tickets/no-such-ticket")
        assert unknown.value.status == 404 and unknown.value.code and unknown.value.message_zh
        assert not isinstance(unknown.value, Refused)
        with pytest.raises(Refused) as forbidden:  # a display may not call tickets
            client.post("/counters/c1/call-next")
        assert forbidden.value.status == 403
    with HallClient(hall.url, "not-a-token") as stranger, pytest.raises(Refused) as refused:
        stranger.get("/events")
    assert refused.value.status == 401 and refused.value.code == "unauthenticated"
    with HallClient(f"http://127.0.0.1:{free_port()}", timeout=1.0) as nobody, pytest.raises(HallUnreachable):
        nobody.health()


@on_sqlite
def test_a_refused_token_is_a_state_not_a_message(make_hall: HallFactory) -> None:
    hall, _ = make_hall()
    states: queue.Queue[FollowerState] = queue.Queue()
    follower = EventFollower(hall.url, "not-a-token", lambda ev: None, on_state=states.put)
    follower.start()
    try:
        seen = [states.get(timeout=10).link]
        while seen[-1] is not Link.REFUSED:
            seen.append(states.get(timeout=10).link)
        assert Link.CONNECTED not in seen, seen  # a screen never shows "connected" with a refused token
    finally:
        follower.stop()


@on_sqlite
def test_connect_sequence_starts_from_the_seq_read_before_the_snapshot(make_hall: HallFactory) -> None:
    hall, api = make_hall()
    setup_counters(api)
    api.issue(SOCIAL)
    events: queue.Queue[Event] = queue.Queue()
    ready: queue.Queue[Start[QueueSnapshot]] = queue.Queue()
    seen_at_load: list[int] = []

    def load(client: HallClient) -> QueueSnapshot:
        # A ticket issued between the last-seq read and the snapshot: in both, and replayed once.
        api.issue(SOCIAL)
        snapshot = client.queue()
        seen_at_load.append(snapshot.last_seq)
        return snapshot

    link = HallLink(hall.url, api.tokens["display"], events.put)
    link.start(load, ready.put)
    try:
        start = ready.get(timeout=15)
        assert start.since < seen_at_load[0]
        assert start.snapshot.waiting.by_colour["blue"] == 2
        replayed = events.get(timeout=10)
        assert replayed.type == "ticket.issued" and replayed.seq == seen_at_load[0]
        api.issue(SOCIAL)
        live = events.get(timeout=10)
        assert live.type == "ticket.issued" and live.seq > replayed.seq
        # Ticket events carry the day's waiting counts after their change.
        assert live.waiting is not None and live.waiting.by_colour == {"green": 0, "yellow": 0, "blue": 3}
        assert live.waiting.for_matters([SOCIAL])["blue"] == 3
        assert live.waiting.for_matters(["no_such_matter"])["blue"] == 0
    finally:
        link.close()
