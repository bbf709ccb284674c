"""Emitting Qt signals without PySide6 6.12.0's reference leak on `True`.

`SignalInstance.emit()` in PySide6 6.12.0 returns `True` without taking a reference to it. On Python 3.11,
where `True` is not immortal, every emit steals one reference; after a few thousand emits `True` is freed
and the interpreter aborts ("bool_dealloc: deallocating True or False"). `emit` gives the stolen reference
back, only where the leak is measured at import, so a fixed PySide6 or Python 3.12+ is left alone.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    stolen = before - sys.getrefcount(True)
    for _ in range(max(0, stolen)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back what the probe itself lost
    return stolen > 0


EMIT_STEALS_TRUE = _emit_steals_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    result = signal.emit(*args)
    if EMIT_STEALS_TRUE and (result is True or result is False):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
