"""What the board showed and said, with time.monotonic() stamps, for tests and the benchmark.

CLOCK_MONOTONIC is system-wide on Linux, so a test process compares these stamps with its own. Written
from the GUI thread (applied, shown), the render thread (shown, with the threaded render loop) and the
speech worker (announced): every method takes the lock.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class Recorder:
    def __init__(self, keep: int = 5000) -> None:
        self._lock = threading.Lock()
        self._keep = keep
        self._calls: dict[int, dict[str, Any]] = {}
        self._announced: list[int] = []  # seq of every announcement handed to the speech driver, in order
        self._connection: list[dict[str, Any]] = []
        self._unsynced: list[int] = []  # applied to QML, not yet in a synchronized frame
        self._unshown: list[int] = []  # in a synchronized frame, not yet on screen

    def call_applied(
        self, seq: int, kind: str, number: str, window: int | None, recall: int, received: float
    ) -> None:
        with self._lock:
            self._calls[seq] = {
                "seq": seq,
                "type": kind,
                "number": number,
                "window": window,
                "recall": recall,
                "received_at": received,
                "applied_at": time.monotonic(),
                "shown_at": None,
                "announce_queued_at": None,
                "announce_started_at": None,
                "voice_started_at": None,
                "announce_finished_at": None,
                "announce_error": None,
                "wav": None,
            }
            self._unsynced.append(seq)
            if len(self._calls) > self._keep:
                del self._calls[min(self._calls)]

    def frame_synchronized(self) -> None:
        # Only a frame whose scene graph was synchronized after the change can show it.
        with self._lock:
            self._unshown.extend(self._unsynced)
            self._unsynced.clear()

    def frame_swapped(self) -> None:
        now = time.monotonic()
        with self._lock:
            for seq in self._unshown:
                if seq in self._calls:
                    self._calls[seq]["shown_at"] = now
            self._unshown.clear()

    def announcement_queued(self, seq: int) -> None:
        with self._lock:
            self._announced.append(seq)
            if seq in self._calls:
                self._calls[seq]["announce_queued_at"] = time.monotonic()

    def announcement_event(self, seq: int, **fields: Any) -> None:
        with self._lock:
            if seq in self._calls:
                self._calls[seq].update(fields)

    def connection(self, state: str, mode: str, error: str = "") -> None:
        with self._lock:
            self._connection.append({"at": time.monotonic(), "state": state, "mode": mode, "error": error})

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": [dict(self._calls[s]) for s in sorted(self._calls)],
                "announced": list(self._announced),
                "connection": [dict(c) for c in self._connection],
            }
