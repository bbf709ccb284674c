"""The back office's single writer: every change to queue state runs here, one command at a time.

One thread owning all writes makes the calling rule race-free on any database (no ticket can be called at
two counters, no number issued twice). Commands that arrive together are committed together (group
commit): each runs in its own SAVEPOINT, so a failing command leaves no half-written row while the others
still land, and one fsync covers the batch. A command's result is released only after its commit.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, insert

from kiosk.hall import schema
from kiosk.hall.errors import HallError
from kiosk.hall.events import Event

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_BATCH = 64
# Built once: a statement constructed per call costs more Python than the database spends on it.
_INSERT_EVENT = insert(schema.events)

# Who is acting (set by the API's auth for each request, by the CLI for its commands): every event a
# command emits records it as `by`, so the event log is also the audit trail of staff and device actions.
ACTOR: ContextVar[dict[str, str] | None] = ContextVar("hall_actor", default=None)


# Extra data for an event, read in the emitting command's transaction after its change (None: nothing).
Annotate = Callable[[Connection, float, str], dict[str, Any] | None]


@dataclass
class Tx:
    """What a command sees: the connection inside its savepoint, the time, and where to put events."""

    conn: Connection
    now: float
    events: list[Event] = field(default_factory=list)
    actor: dict[str, str] | None = None
    annotate: Annotate | None = None
    # Run once the transaction has ended, committed or rolled back (e.g. to drop a cache of what it changed).
    ended: list[Callable[[], None]] = field(default_factory=list)

    def emit(
        self,
        type_: str,
        data: dict[str, Any],
        ticket_id: str | None = None,
        counter_id: str | None = None,
        annotation: dict[str, Any] | None = None,
    ) -> Event:
        """Record an event; `annotation`, if the command already read what `annotate` would, replaces it."""
        if self.actor is not None and "by" not in data:
            data = {**data, "by": self.actor}
        if annotation is not None:
            data = {**data, **annotation}
        elif self.annotate is not None:
            extra = self.annotate(self.conn, self.now, type_)
            if extra:
                data = {**data, **extra}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        res = self.conn.execute(
            _INSERT_EVENT,
            {"ts": self.now, "type": type_, "ticket_id": ticket_id, "counter_id": counter_id, "data": text},
        )
        seq = res.inserted_primary_key[0]
        ev: Event = {"seq": int(seq), "type": type_, "ts": self.now, "data": data}
        self.events.append(ev)
        return ev


@dataclass
class _Command:
    fn: Callable[[Tx], Any]
    future: Future[Any]
    actor: dict[str, str] | None


class Writer:
    def __init__(
        self, engine: Engine, on_commit: Callable[[list[Event]], None], clock: Callable[[], float] = time.time
    ) -> None:
        self._engine = engine
        self._on_commit = on_commit
        self._clock = clock
        self._queue: queue.Queue[_Command | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="hall-writer", daemon=True)
        self._closed = False
        self.annotate: Annotate | None = None
        self._thread.start()

    def submit(self, fn: Callable[[Tx], T]) -> Future[T]:
        fut: Future[T] = Future()
        if self._closed:
            fut.set_exception(HallError("store_unavailable", "the back office is shutting down"))
            return fut
        self._queue.put(_Command(fn, fut, ACTOR.get()))
        return fut

    def run(self, fn: Callable[[Tx], T], timeout: float = 30.0) -> T:
        return self.submit(fn).result(timeout)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(timeout=10)

    def _run(self) -> None:
        conn: Connection | None = None
        while True:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            try:
                if conn is None:
                    conn = self._engine.connect()
                self._run_batch(conn, batch)
            except Exception as exc:  # the database itself failed: nothing of the batch is acknowledged
                log.error("hall store write failed: %s", exc)
                err = HallError("store_unavailable", "the hall database could not save the change; try again")
                for cmd in batch:
                    if not cmd.future.done():
                        cmd.future.set_exception(err)
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:
                        log.debug("closing a broken connection failed", exc_info=True)
                    conn = None
            if stop:
                break
        if conn is not None:
            conn.close()

    def _run_batch(self, conn: Connection, batch: list[_Command]) -> None:
        # Most batches fail nowhere, so they first run without a savepoint per command (two statements each,
        # a round trip apiece on PostgreSQL). Only if a command fails is the batch rolled back and run again
        # with each command in its own savepoint, so the failure still spares the others. Commands read and
        # write only through their Tx, so running one again after a rollback is the same as running it once.
        outcomes = self._attempt(conn, batch, isolate=False)
        if outcomes is None:
            outcomes = self._attempt(conn, batch, isolate=True)
        # Committed (the `with` raised otherwise): only now may anyone learn of the results.
        committed = [ev for *_, evs in outcomes for ev in evs]
        if committed:
            try:
                self._on_commit(committed)
            except Exception:
                log.exception("publishing events failed")
        for cmd, ok, value, _ in outcomes:
            if ok:
                cmd.future.set_result(value)
            else:
                cmd.future.set_exception(value)

    def _attempt(
        self, conn: Connection, batch: list[_Command], isolate: bool
    ) -> list[tuple[_Command, bool, Any, list[Event]]] | None:
        """Run `batch` in one transaction; None if a command failed and only a rerun can spare the rest."""
        ended: list[Callable[[], None]] = []
        try:
            return self._attempt_in(conn, batch, isolate, ended)
        finally:
            for fn in ended:
                try:
                    fn()
                except Exception:
                    log.exception("an end-of-transaction hook failed")

    def _attempt_in(
        self,
        conn: Connection,
        batch: list[_Command],
        isolate: bool,
        ended: list[Callable[[], None]],
    ) -> list[tuple[_Command, bool, Any, list[Event]]] | None:
        outcomes: list[tuple[_Command, bool, Any, list[Event]]] = []
        # A lone command needs no savepoint: if it fails, rolling back the transaction is the same thing.
        alone = len(batch) == 1
        with conn.begin() as root:
            for cmd in batch:
                tx = Tx(conn, self._clock(), actor=cmd.actor, annotate=self.annotate, ended=ended)
                sp = conn.begin_nested() if isolate and not alone else None
                try:
                    result = cmd.fn(tx)
                except BaseException as exc:
                    if sp is not None:
                        sp.rollback()
                    else:
                        root.rollback()
                        if not alone:
                            return None
                    if not isinstance(exc, HallError):
                        log.exception("hall command failed")
                    outcomes.append((cmd, False, exc, []))
                else:
                    if sp is not None:
                        sp.commit()
                    outcomes.append((cmd, True, result, tx.events))
        return outcomes
