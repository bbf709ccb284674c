"""The in-process event hub: committed events fan out to WebSocket clients and in-process listeners.

The database is the record (every event is a row with its sequence number); the hub only holds a window of
recent events so that live clients are served without a query, and wakes them when new ones commit.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]


def event_from_row(seq: int, ts: float, type_: str, data: str) -> Event:
    return {"seq": seq, "type": type_, "ts": ts, "data": json.loads(data)}


class Subscription:
    """One live reader; `wait()` returns once events newer than it last saw may exist."""

    def __init__(self, hub: EventHub, loop: asyncio.AbstractEventLoop | None) -> None:
        self._hub = hub
        self._loop = loop
        self._flag = asyncio.Event() if loop else None
        self._callback: Callable[[list[Event]], None] | None = None

    def _notify(self, events: list[Event]) -> None:
        if self._callback is not None:
            self._callback(events)
        elif self._loop is not None and self._flag is not None:
            self._loop.call_soon_threadsafe(self._flag.set)

    async def wait(self, timeout: float) -> bool:
        assert self._flag is not None
        try:
            await asyncio.wait_for(self._flag.wait(), timeout)
        except TimeoutError:
            return False
        self._flag.clear()
        return True

    def close(self) -> None:
        self._hub._unsubscribe(self)


class EventHub:
    def __init__(self, last_seq: int, capacity: int = 20000) -> None:
        self._lock = threading.Lock()
        self._buffer: deque[Event] = deque(maxlen=capacity)
        # Events after this seq are all in the buffer (until it overflows).
        self._floor = last_seq
        self._last = last_seq
        self._subs: set[Subscription] = set()

    @property
    def last_seq(self) -> int:
        return self._last

    def publish(self, events: list[Event]) -> None:
        if not events:
            return
        with self._lock:
            for e in events:
                if len(self._buffer) == self._buffer.maxlen:
                    self._floor = self._buffer[0]["seq"]
                self._buffer.append(e)
            self._last = events[-1]["seq"]
            subs = list(self._subs)
        for s in subs:
            s._notify(events)

    def since(self, seq: int, limit: int = 1000) -> list[Event] | None:
        """Events with seq > `seq` from memory, or None when they must come from the database."""
        with self._lock:
            if seq < self._floor:
                return None
            out: list[Event] = []
            # The buffer is ordered; walk from the right end only as far as needed.
            for e in reversed(self._buffer):
                if e["seq"] <= seq:
                    break
                out.append(e)
            out.reverse()
            return out[:limit]

    def subscribe_async(self) -> Subscription:
        sub = Subscription(self, asyncio.get_running_loop())
        with self._lock:
            self._subs.add(sub)
        return sub

    def subscribe(self, callback: Callable[[list[Event]], None]) -> Subscription:
        """For in-process listeners; `callback` runs on the writer thread and must not block."""
        sub = Subscription(self, None)
        sub._callback = callback
        with self._lock:
            self._subs.add(sub)
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)
