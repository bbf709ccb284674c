"""What the call board shows and says, as a pure function of the queue snapshot and the event stream.

No Qt, no I/O: the bridge feeds it events and snapshots and reads the result. It decides which events are
announcements: each `ticket.called` once, each `ticket.recalled` again, and never an event it has already
applied. The follower already drops replay overlaps by sequence number; the board keeps its own guard
because an announcement heard twice in a hall is worse than one extra integer comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

COLOURS = ("green", "yellow", "blue")
CALL_EVENTS = ("ticket.called", "ticket.recalled")


@dataclass(frozen=True, slots=True)
class Call:
    """One call on the board: the latest or a previous one. `seq` is 0 for calls known from a snapshot."""

    seq: int
    ticket_id: str
    number: str
    colour: str
    window: int | None
    recall: int = 0  # 0 for the first call, n for the n-th recall

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ticket": self.ticket_id,
            "number": self.number,
            "colour": self.colour,
            "window": self.window,
            "recall": self.recall,
        }


@dataclass(frozen=True, slots=True)
class Announcement:
    """A call to speak: the chime, then the script in each language."""

    seq: int
    number: str
    window: int
    recall: int


def _call_from(ticket: Mapping[str, Any], seq: int, recall: int) -> Call:
    window = ticket.get("window")
    return Call(
        seq=seq,
        ticket_id=str(ticket.get("id") or ticket["number"]),
        number=str(ticket["number"]),
        colour=str(ticket.get("colour") or "blue"),
        window=int(window) if window is not None else None,
        recall=recall,
    )


@dataclass
class BoardState:
    """The board's model. `calls` is newest first, one entry per ticket (a recall moves it to the top)."""

    recent_limit: int = 6
    last_seq: int = 0
    calls: list[Call] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))

    @property
    def latest(self) -> Call | None:
        return self.calls[0] if self.calls else None

    @property
    def previous(self) -> list[Call]:
        return self.calls[1 : self.recent_limit + 1]

    def load_snapshot(self, snapshot: Mapping[str, Any], since: int) -> None:
        """Start from GET /queue; events after `since` follow. Old calls are shown, never announced."""
        self.last_seq = since
        recent = snapshot.get("recent_calls") or []
        self.calls = []
        for ticket in recent:  # newest first already
            self._put(_call_from(ticket, 0, 0), front=False)
        self.set_waiting(snapshot.get("waiting") or {})

    def set_waiting(self, waiting: Mapping[str, Any]) -> None:
        self.waiting = {c: int(waiting.get(c, 0) or 0) for c in COLOURS}

    def rebase(self, since: int) -> None:
        """The back office's sequence went backwards (its database was replaced): follow the new one."""
        self.last_seq = since

    def apply(self, event: Mapping[str, Any]) -> Announcement | None:
        """Apply one event; the announcement it causes, if any. Replays of applied events change nothing."""
        seq = int(event["seq"])
        if seq <= self.last_seq:
            return None
        self.last_seq = seq
        kind = event.get("type")
        if kind not in CALL_EVENTS:
            return None
        data = event.get("data") or {}
        ticket = data.get("ticket") or {}
        if not ticket.get("number"):
            return None
        recall = int(data.get("recall") or 1) if kind == "ticket.recalled" else 0
        call = _call_from(ticket, seq, recall)
        self._put(call, front=True)
        if call.window is None:  # nowhere to send the resident: show it, but a voice call would be wrong
            return None
        return Announcement(seq, call.number, call.window, recall)

    def _put(self, call: Call, front: bool) -> None:
        # One row per ticket: a recall or a second call of the same ticket replaces its older row.
        if any(c.ticket_id == call.ticket_id for c in self.calls):
            if not front:
                return
            self.calls = [c for c in self.calls if c.ticket_id != call.ticket_id]
        if front:
            self.calls.insert(0, call)
        else:
            self.calls.append(call)
        del self.calls[self.recent_limit + 1 :]
