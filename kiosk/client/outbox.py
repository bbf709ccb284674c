"""An on-disk outbox: what a device must tell the back office (ratings, help requests, device reports)
waits here until the back office has it, across restarts and outages, none lost and none twice.

Each item gets an idempotency key when it is put; every delivery attempt sends the same key, and the back
office returns its first answer to a repeat instead of acting twice. So a crash between the back office's
commit and our marking the item delivered costs one redelivery, never a second rating.

Storage is one SQLite file in the device's data directory (WAL, synchronous=FULL: `put` returns only once
the item is on disk). Items are delivered oldest first by one `DeliveryWorker` thread.
"""

from __future__ import annotations

import enum
import json
import logging
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.client.backoff import retry_delay_s
from kiosk.client.errors import HallApiError, HallUnreachable, Refused

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    finished_at REAL,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS items_due ON items (state, next_at);
"""
# Delivered and rejected items are kept this long for a technician to look at, then dropped.
KEEP_FINISHED_S = 7 * 24 * 3600


class State(enum.Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    REJECTED = "rejected"  # the back office refused it for good (e.g. the ticket was rated elsewhere)


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    state: State
    created_at: float
    attempts: int
    next_at: float
    error: str


class Outbox:
    """The on-disk queue. Thread-safe; one process owns a file at a time."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: every commit is fsync'd, so an item `put` returned for survives a power cut.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._db.execute(
            "DELETE FROM items WHERE state != 'pending' AND finished_at < ?", (clock() - KEEP_FINISHED_S,)
        )

    def put(self, kind: str, payload: Mapping[str, Any], key: str | None = None) -> Item:
        """Keep `payload` until delivered; returns once it is on disk. `key` defaults to a random one."""
        now = self._clock()
        key = key or uuid.uuid4().hex
        text = json.dumps(dict(payload), ensure_ascii=False, sort_keys=True)
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO items (kind, key, payload, created_at, next_at) VALUES (?, ?, ?, ?, ?)",
                (kind, key, text, now, now),
            )
            row_id = cur.lastrowid
        assert row_id is not None
        return self.get(row_id)

    def get(self, item_id: int) -> Item:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return _item(row)

    def due(self, limit: int = 16) -> list[Item]:
        """Pending items whose next attempt is due, oldest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM items WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT ?",
                (self._clock(), limit),
            ).fetchall()
        return [_item(r) for r in rows]

    def items(self, state: State | None = None) -> list[Item]:
        with self._lock:
            if state is None:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM items ORDER BY id").fetchall()
            else:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM items WHERE state = ? ORDER BY id", (state.value,)
                ).fetchall()
        return [_item(r) for r in rows]

    def pending_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM items WHERE state = 'pending'").fetchone()[0])

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT min(next_at) FROM items WHERE state = 'pending'").fetchone()
        return None if row[0] is None else float(row[0])

    def mark_delivered(self, item_id: int) -> None:
        self._finish(item_id, State.DELIVERED, "")

    def mark_rejected(self, item_id: int, error: str) -> None:
        self._finish(item_id, State.REJECTED, error)

    def mark_failed(self, item_id: int, error: str, delay_s: float) -> None:
        """One more failed attempt; the next is `delay_s` from now."""
        with self._lock:
            self._db.execute(
                "UPDATE items SET attempts = attempts + 1, next_at = ?, error = ? WHERE id = ? AND state = ?",
                (self._clock() + delay_s, error[:500], item_id, State.PENDING.value),
            )

    def retry_now(self) -> None:
        """Make every pending item due (the back office is back: no need to wait out the backoff)."""
        with self._lock:
            self._db.execute(
                "UPDATE items SET next_at = ? WHERE state = ? AND next_at > ?",
                (self._clock(), State.PENDING.value, self._clock()),
            )

    def _finish(self, item_id: int, state: State, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE items SET state = ?, attempts = attempts + 1, finished_at = ?, error = ?"
                " WHERE id = ?",
                (state.value, self._clock(), error[:500], item_id),
            )

    def now(self) -> float:
        return self._clock()

    def close(self) -> None:
        with self._lock:
            self._db.close()


_COLUMNS = "id, kind, key, payload, state, created_at, attempts, next_at, error"


def _item(row: tuple[Any, ...]) -> Item:
    id_, kind, key, payload, state, created_at, attempts, next_at, error = row
    return Item(id_, kind, key, json.loads(payload), State(state), created_at, attempts, next_at, error)


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # the back office is away, overloaded, or does not accept this device's token yet
    REJECTED = "rejected"


def classify(error: BaseException | None) -> Outcome:
    """What a delivery's result means for the item: done, try again later, or refused for good."""
    if error is None:
        return Outcome.DELIVERED
    if isinstance(error, HallUnreachable | Refused):
        # A refused token is a setup problem a technician fixes; the rating must still arrive afterwards.
        return Outcome.RETRY
    if isinstance(error, HallApiError):
        return Outcome.RETRY if error.status >= 500 or error.status == 429 else Outcome.REJECTED
    return Outcome.RETRY


Deliver = Callable[[Item], Any]


class DeliveryWorker:
    """Delivers an outbox's items with `deliver(item)` (which raises on failure), oldest first, retrying
    with backoff. `on_result(item, outcome, value)` reports each attempt (value: the answer or the error)."""

    def __init__(
        self,
        outbox: Outbox,
        deliver: Deliver,
        on_result: Callable[[Item, Outcome, Any], None] | None = None,
        spread: Callable[[], float] = random.random,
    ) -> None:
        self.outbox = outbox
        self.deliver = deliver
        self.on_result = on_result
        self._spread = spread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def nudge(self, now: bool = False) -> None:
        """Look again at once (an item was put); `now`: pending items skip the rest of their backoff."""
        if now:
            self.outbox.retry_now()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            for item in self.outbox.due():
                if self._stop.is_set():
                    return
                self._attempt(item)
            next_at = self.outbox.next_due_at()
            wait = 3600.0 if next_at is None else max(0.0, next_at - self.outbox.now())
            self._wake.wait(min(wait, 3600.0))

    def _attempt(self, item: Item) -> None:
        try:
            value: Any = self.deliver(item)
            error: BaseException | None = None
        except Exception as exc:  # classified below; nothing is dropped for an unexpected one
            value, error = exc, exc
        outcome = classify(error)
        if outcome is Outcome.DELIVERED:
            self.outbox.mark_delivered(item.id)
        elif outcome is Outcome.REJECTED:
            code = getattr(error, "code", type(error).__name__)
            self.outbox.mark_rejected(item.id, f"{code}: {error}")
            log.info("outbox: the back office refused %s %s for good: %s", item.kind, item.id, code)
        else:
            delay = retry_delay_s(item.attempts + 1, self._spread())
            self.outbox.mark_failed(item.id, f"{type(error).__name__}: {error}", delay)
            if not isinstance(error, HallUnreachable | HallApiError):
                log.warning("outbox: delivering %s %s failed", item.kind, item.id, exc_info=error)
        if self.on_result is not None:
            try:
                self.on_result(item, outcome, value)
            except Exception:
                log.exception("outbox: result callback failed")
