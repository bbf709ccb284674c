"""A snapshot that lags the event stream must not make the board replay calls it already showed.

A refresh of GET /queue during live calls can carry a last_seq older than events the follower has already
delivered. Only the connection, which knows what it had received before asking, may decide the back office's
history was replaced; the bridge must not infer it from its own, newer position.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QCoreApplication

from queue_display.board.bridge import BoardBridge
from queue_display.board.record import Recorder
from queue_display.board.state import BoardState


def called(seq: int, number: str) -> dict:  # type: ignore[type-arg]
    ticket = {
        "id": f"t{seq}",
        "number": number,
        "colour": "blue",
        "matter": "m",
        "status": "called",
        "counter": "c1",
        "window": 1,
    }
    return {"seq": seq, "type": "ticket.called", "ts": 0.0, "data": {"ticket": ticket}}


def test_a_lagging_snapshot_is_not_a_replaced_history() -> None:
    app = QCoreApplication.instance() or QCoreApplication([])
    bridge = BoardBridge(BoardState(), Recorder(), ["zh_CN"], [], 0)
    bridge._apply_snapshot({"waiting": {}, "recent_calls": []}, 50, True, False)
    for seq, number in ((51, "B001"), (52, "B002"), (53, "B003")):
        bridge._apply_event(called(seq, number), 0.0)
    # A refresh answered with last_seq 52 while 53 was already shown: a lag, not a new history.
    bridge._apply_snapshot({"waiting": {"blue": 3}, "recent_calls": []}, 52, False, False)
    shown_before = bridge._call_serial
    bridge._apply_event(called(53, "B003"), 0.0)  # the follower's overlap after the refresh
    assert bridge._call_serial == shown_before == 3, "a call already shown was shown (and spoken) again"
    assert bridge.state.last_seq == 53
    # Told that the history really was replaced, it follows the new stream from there.
    bridge._apply_snapshot({"waiting": {}, "recent_calls": []}, 2, False, True)
    bridge._apply_event(called(3, "G001"), 0.0)
    assert bridge.state.latest is not None and bridge.state.latest.number == "G001"
    del app
