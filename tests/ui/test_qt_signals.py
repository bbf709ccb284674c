"""Signals emitted through kiosk.ui.signals.emit do not wear `True` away (PySide6 6.12.0 on Python 3.11)."""

from __future__ import annotations

import ctypes
import sys

from kiosk.ui.signals import EMIT_STEALS_TRUE, _Probe, emit


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
