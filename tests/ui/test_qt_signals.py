"""Signals emitted through queue_display.qtapp.emit keep `True` alive (PySide6 6.12.0, Python 3.11)."""

from __future__ import annotations

import ctypes
import subprocess
import sys

from queue_display.qtapp import EMIT_STEALS_TRUE, _Probe, emit
from tests.support import ROOT


def test_emitting_a_signal_keeps_true_alive() -> None:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(5000):
        emit(probe.ping)
    assert abs(sys.getrefcount(True) - before) <= 2  # other code may hold one for a moment; not 5000
    if EMIT_STEALS_TRUE:  # the PySide6 defect the helper exists for: a plain emit loses a reference
        before = sys.getrefcount(True)
        for _ in range(100):
            probe.ping.emit()
        lost = before - sys.getrefcount(True)
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give them back for the rest of the session
        assert lost >= 98


# The call board's own signal path, thousands of times, in a child process: before every queue_display
# emit went through `emit`, `True` (about 560 references at start-up) was freed part-way and the process
# aborted with exit code 134.
_BOARD_PATH = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QCoreApplication
from queue_display.board.bridge import BoardBridge
from queue_display.board.record import Recorder
from queue_display.board.state import BoardState

app = QCoreApplication([])
bridge = BoardBridge(BoardState(), Recorder(), ["zh_CN"], [], 0)
bridge._apply_snapshot({"waiting": {}, "recent_calls": []}, 0, True, False)
before = sys.getrefcount(True)
for seq in range(1, 3001):
    ticket = {"id": f"t{seq}", "number": f"B{seq % 1000:03d}", "colour": "blue", "matter": "m",
              "status": "called", "counter": "c1", "window": 1}
    bridge._apply_event({"seq": seq, "type": "ticket.called", "ts": 0.0, "data": {"ticket": ticket}}, 0.0)
    bridge.post_voice(seq % 2 == 0, "")
    bridge.post_connection("live" if seq % 2 else "connecting")
    app.processEvents()
print(before, sys.getrefcount(True))
"""


def test_the_board_signal_path_keeps_true_alive() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _BOARD_PATH], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, f"the board process died ({done.returncode}): {done.stderr[-800:]}"
    before, after = (int(x) for x in done.stdout.split())
    assert after >= before - 2, f"True lost {before - after} references over 3000 board updates"
