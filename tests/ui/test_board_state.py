"""The call board's pure state: what it shows, and which events it announces (each call exactly once)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_display.board.state import Announcement, BoardState

Event = dict[str, Any]
TICKETS = [("t1", "G001", "green"), ("t2", "Y001", "yellow"), ("t3", "B001", "blue"), ("t4", "B002", "blue")]


def ticket(tid: str, number: str, colour: str, window: int | None = 3) -> dict[str, Any]:
    return {
        "id": tid,
        "number": number,
        "colour": colour,
        "window": window,
        "counter": "c1",
        "status": "called",
    }


def build_stream(ops: list[tuple[str, int]], first_seq: int) -> list[Event]:
    """Events as the back office emits them: contiguous seqs, recalls counted per ticket."""
    recalls: dict[str, int] = {}
    events: list[Event] = []
    for seq, (kind, which) in zip(itertools.count(first_seq), ops, strict=False):
        tid, number, colour = TICKETS[which]
        data: dict[str, Any] = {"ticket": ticket(tid, number, colour, window=which + 1)}
        if kind == "ticket.recalled":
            recalls[tid] = recalls.get(tid, 0) + 1
            data["recall"] = recalls[tid]
        elif kind == "ticket.called":
            recalls[tid] = 0
        events.append({"seq": seq, "type": kind, "ts": 0.0, "data": data})
    return events


KINDS = [
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.finished",
    "ticket.no_show",
    "counter.paused",
]


@st.composite
def replayed(draw: st.DrawFn) -> tuple[list[Event], list[Event]]:
    """A stream and a delivery of it with the overlaps a resuming follower and a flaky link produce:
    each reconnect resumes at or before the last event delivered, and stale events may arrive again."""
    ops = draw(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, len(TICKETS) - 1)), max_size=60))
    events = build_stream(ops, draw(st.integers(1, 10_000)))
    delivered: list[Event] = []
    done = 0
    while done < len(events):
        start = draw(st.integers(0, done))  # resume point: never past what was delivered (no gap)
        end = draw(st.integers(done + 1, len(events)))
        delivered += events[start:end]
        done = end
        for _ in range(draw(st.integers(0, 2))):  # a stale duplicate of anything seen so far
            delivered.append(events[draw(st.integers(0, done - 1))])
    return events, delivered


def expected_announcements(events: list[Event]) -> list[Announcement]:
    out = []
    for e in events:
        if e["type"] in ("ticket.called", "ticket.recalled"):
            t = e["data"]["ticket"]
            out.append(Announcement(e["seq"], t["number"], t["window"], e["data"].get("recall", 0)))
    return out


@settings(max_examples=300, deadline=None)
@given(replayed())
def test_each_call_is_announced_exactly_once_whatever_the_replays(
    case: tuple[list[Event], list[Event]],
) -> None:
    events, delivered = case
    state = BoardState(recent_limit=3)
    state.load_snapshot({"recent_calls": [], "waiting": {}}, since=events[0]["seq"] - 1 if events else 0)
    said = [a for e in delivered if (a := state.apply(e)) is not None]
    assert said == expected_announcements(events)
    calls = [e for e in events if e["type"] in ("ticket.called", "ticket.recalled")]
    if calls:
        assert state.latest is not None and state.latest.seq == calls[-1]["seq"]
    ids = [c.ticket_id for c in state.calls]
    assert len(ids) == len(set(ids)) and len(state.previous) <= 3


def test_snapshot_calls_are_shown_but_never_announced() -> None:
    state = BoardState(recent_limit=6)
    snapshot = {
        "recent_calls": [ticket("t2", "Y001", "yellow", 3), ticket("t1", "G001", "green", 1)],
        "waiting": {"green": 2, "yellow": 0, "blue": 7},
        "last_seq": 40,
    }
    state.load_snapshot(snapshot, since=40)
    assert [c.number for c in state.calls] == ["Y001", "G001"]
    assert state.waiting == {"green": 2, "yellow": 0, "blue": 7}
    old = {"seq": 40, "type": "ticket.called", "data": {"ticket": ticket("t9", "B009", "blue")}}
    assert state.apply(old) is None  # at or before the snapshot: already on screen, never spoken
    assert state.latest is not None and state.latest.number == "Y001"


def test_recall_is_announced_again_and_moves_the_ticket_to_the_top() -> None:
    state = BoardState(recent_limit=6)
    state.load_snapshot({}, since=0)
    a = state.apply({"seq": 1, "type": "ticket.called", "data": {"ticket": ticket("t1", "G001", "green", 2)}})
    state.apply({"seq": 2, "type": "ticket.called", "data": {"ticket": ticket("t3", "B001", "blue", 1)}})
    r = state.apply(
        {
            "seq": 3,
            "type": "ticket.recalled",
            "data": {"ticket": ticket("t1", "G001", "green", 2), "recall": 1},
        }
    )
    assert a == Announcement(1, "G001", 2, 0)
    assert r == Announcement(3, "G001", 2, 1)
    assert [(c.number, c.recall) for c in state.calls] == [("G001", 1), ("B001", 0)]


def test_a_call_without_a_window_is_shown_not_spoken() -> None:
    state = BoardState()
    state.load_snapshot({}, since=0)
    ev = {"seq": 1, "type": "ticket.called", "data": {"ticket": ticket("t1", "G001", "green", None)}}
    assert state.apply(ev) is None
    assert state.latest is not None and state.latest.window is None


def test_previous_calls_are_limited_and_newest_first() -> None:
    state = BoardState(recent_limit=2)
    state.load_snapshot({}, since=0)
    for seq, (tid, number, colour) in enumerate(TICKETS, start=1):
        state.apply({"seq": seq, "type": "ticket.called", "data": {"ticket": ticket(tid, number, colour)}})
    assert state.latest is not None and state.latest.number == "B002"
    assert [c.number for c in state.previous] == ["B001", "Y001"]


def test_rebase_follows_a_replaced_history() -> None:
    state = BoardState()
    state.load_snapshot({}, since=500)
    ev = {"seq": 3, "type": "ticket.called", "data": {"ticket": ticket("t1", "G001", "green", 1)}}
    assert state.apply(ev) is None  # looks like an old replay...
    state.rebase(2)  # ...until the back office says its history restarted
    assert state.apply(ev) == Announcement(3, "G001", 1, 0)
