"""ReconnectingWorker: the background thread of a driver that keeps its device connected by itself.

The thread calls `attempt(stop)` over and over. An attempt connects to the device and works with it
until that fails or ends, and returns how it went (an `Outcome`). After a failed attempt the worker
waits a back-off that doubles from `first_retry_s` up to `max_retry_s`; an attempt that worked starts
the back-off over. An exception escaping an attempt (a bug, a library surprise) is logged and counted
as a failed attempt, so it never ends the thread for good.

Attempts report through `fail()` and `worked()`, and `outage()` turns that into health: a device that
has not worked since `start()` is a fault at once; one that worked and is failing again is degraded
("reconnecting") until it has been failing for `fault_after_s`, and a fault after that.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from drivers.base import Health


class Outcome(enum.Enum):
    FAILED = "failed"  # it did not work: wait the back-off, then double it
    WORKED = "worked"  # it worked, then stopped working: the back-off starts over from first_retry_s
    AGAIN = "again"  # go again at once, back-off unchanged (e.g. a video file that loops)
    DONE = "done"  # nothing more to do: the thread ends (the worker counts as running until stop())


Attempt = Callable[[threading.Event], Outcome]


@dataclass(frozen=True, slots=True)
class Outage:
    """The worker is failing: how bad that is by now, for how long, and the last reason."""

    health: Health  # DEGRADED while reconnecting within fault_after_s of having worked, else FAULT
    failing_for: float
    error: str


class ReconnectingWorker:
    """One thread per start(), with its own stop event; stop() may be called from any thread.

    `name` (or a function giving it, for a driver that learns its device after construction) names the
    thread and starts log lines. `lock` lets a driver share its own lock (it must be reentrant: an RLock
    or a Condition), so that its status() reads the worker's state and its own in one consistent step.
    """

    def __init__(
        self,
        name: str | Callable[[], str],
        attempt: Attempt,
        *,
        first_retry_s: float,
        max_retry_s: float,
        fault_after_s: float = 0.0,
        logger: logging.Logger | None = None,
        lock: AbstractContextManager[Any] | None = None,
    ) -> None:
        self._name = name
        self._attempt = attempt
        self.first_retry_s = first_retry_s
        self.max_retry_s = max(max_retry_s, first_retry_s)
        self.fault_after_s = fault_after_s
        self._log = logger or logging.getLogger(__name__)
        self._lock: AbstractContextManager[Any] = lock if lock is not None else threading.RLock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._started_at = 0.0
        self._worked = False  # since start(): decides fault (never worked) vs degraded (reconnecting)
        self._failing_since: float | None = None
        self._error = ""

    @property
    def name(self) -> str:
        return self._name() if callable(self._name) else self._name

    # -- life ---------------------------------------------------------------------------------------

    def start(self) -> bool:
        """Start the thread; False (and nothing changes) while one is still alive."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._stop = threading.Event()
            self._started_at = time.monotonic()
            self._worked = False
            self._failing_since, self._error = None, ""
            self._thread = threading.Thread(target=self._run, args=(self._stop,), name=self.name, daemon=True)
            self._thread.start()
            return True

    def stop(self, timeout: float) -> bool:
        """Stop the thread and wait up to `timeout` s for it to end; False if it did not end in time.

        Called from the thread itself (a callback stopping its own driver), it does not wait: the thread
        ends by itself once the callback returns. Safe to call twice or before start(). Do not hold the
        shared lock while calling it: the thread may need that lock to finish.
        """
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        if thread.is_alive():
            self._log.warning("%s: the thread did not stop in time", self.name)
            return False
        return True

    @property
    def running(self) -> bool:
        """Started and not stopped (the thread itself may have ended with Outcome.DONE)."""
        return self._thread is not None

    @property
    def alive(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def started_at(self) -> float:
        """time.monotonic() of the last start()."""
        return self._started_at

    def _run(self, stop: threading.Event) -> None:
        delay = self.first_retry_s
        while not stop.is_set():
            try:
                outcome = self._attempt(stop)
            except Exception as exc:  # a bug or a library surprise must not end the worker for good
                self._log.exception("%s: unexpected error", self.name)
                self.fail(stop, f"unexpected error: {exc}")
                outcome = Outcome.FAILED
            if outcome is Outcome.DONE:
                return
            if outcome is Outcome.AGAIN:
                continue
            if outcome is Outcome.WORKED:
                delay = self.first_retry_s  # the next outage starts with quick retries again
            if stop.wait(delay):
                return
            delay = min(delay * 2, self.max_retry_s)

    # -- what the attempts report -------------------------------------------------------------------

    def worked(self, stop: threading.Event) -> bool:
        """The device works (connected, a frame came): it is not failing any more.

        False, and nothing recorded, once `stop` is set: a thread that overran stop() must not change
        what a stopped driver shows.
        """
        with self._lock:
            if stop.is_set():
                return False
            self._worked = True
            self._failing_since, self._error = None, ""
            return True

    def fail(self, stop: threading.Event, reason: str) -> bool:
        """The device failed for `reason` (logged once per outage); False, nothing recorded, once stopped."""
        with self._lock:
            if stop.is_set():
                return False
            if self._failing_since is None:
                self._failing_since = time.monotonic()
                self._log.warning("%s: %s", self.name, reason)
            self._error = reason
            return True

    @property
    def error(self) -> str:
        """The reason of the last failure; "" once it worked again."""
        return self._error

    def outage(self, now: float | None = None) -> Outage | None:
        """None unless failing; else how bad: FAULT if it never worked since start() or has been failing
        for fault_after_s, DEGRADED (reconnecting) before that."""
        with self._lock:
            since, error, worked = self._failing_since, self._error, self._worked
        if since is None:
            return None
        failing_for = (time.monotonic() if now is None else now) - since
        fault = not worked or failing_for >= self.fault_after_s
        return Outage(Health.FAULT if fault else Health.DEGRADED, failing_for, error)
