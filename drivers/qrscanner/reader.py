"""What both scanner drivers share: a reader thread that reconnects, de-bounces and hands scans out.

A subclass says how to open the device, read bytes from it and turn them into codes; this class does
the rest: the thread, back-off after an unplug, the de-bounce, the callback or queue, status and
self-test.
"""

from __future__ import annotations

import abc
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from drivers.base import CheckStep, DeviceStatus, Health, SelfTest
from drivers.qrscanner import OnScan, QrScanner, Scan, classify
from drivers.worker import Outcome, ReconnectingWorker

log = logging.getLogger(__name__)

Code = tuple[str, str | None]  # (text, symbology)
_FIRST_RETRY_S = 0.1
_QUEUE = 16  # scans nobody reads are not worth keeping: a resident will scan again


class Debouncer:
    """The same code again within `window_s` of its last sighting is the same scan: a code held in front
    of a scanner in continuous mode is read over and over, and should check in once."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._text: str | None = None
        self._at = 0.0

    def accept(self, text: str, now: float) -> bool:
        repeat = text == self._text and now - self._at < self.window_s
        self._text, self._at = text, now
        return not repeat


def why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class ThreadedScanner(QrScanner):
    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.debounce_s = self.setting("debounce_ms", int, 1000, minimum=0) / 1000
        self.idle_s = self.setting("idle_ms", int, 300, minimum=10) / 1000
        self.reconnect_max_s: float = self.setting("reconnect_max_s", float, 2.0, minimum=_FIRST_RETRY_S)
        self.fault_after_s: float = self.setting("fault_after_s", float, 10.0, minimum=0.0)
        self.self_test_scan_s: float = self.setting("self_test_scan_s", float, 0.0, minimum=0.0)
        self._cond = threading.Condition()
        # The reader thread; it shares _cond, so status() reads its state and the connection in one step.
        # Named lazily: a subclass knows its device only after this constructor.
        self._worker = ReconnectingWorker(
            lambda: f"qrscanner {self.device}",
            self._session,
            first_retry_s=_FIRST_RETRY_S,
            max_retry_s=self.reconnect_max_s,
            fault_after_s=self.fault_after_s,
            logger=log,
            lock=self._cond,
        )
        self._on_scan: OnScan | None = None
        self._queue: deque[Scan] = deque(maxlen=_QUEUE)
        self._debouncer = Debouncer(self.debounce_s)
        self._connected = False
        self._note = ""  # what _connect() said, e.g. "9600 baud"
        self._counts = {"scans": 0, "repeats": 0, "connects": 0}

    # -- what a subclass provides ---------------------------------------------------------------

    @property
    @abc.abstractmethod
    def device(self) -> str:
        """The configured device path, for messages."""

    @abc.abstractmethod
    def _connect(self) -> str:
        """Open the device (raise OSError with a readable reason); return a note for status."""

    @abc.abstractmethod
    def _disconnect(self) -> None: ...

    @abc.abstractmethod
    def _read(self, timeout: float) -> bytes:
        """Bytes that arrived within `timeout` (b"" for none); OSError once the device is gone."""

    @abc.abstractmethod
    def _decode(self, data: bytes, now: float) -> list[Code]:
        """Codes completed by `data` (empty: nothing arrived, check for idle fragments)."""

    @abc.abstractmethod
    def _reset(self) -> None:
        """Forget a half-received code (the device went away)."""

    @abc.abstractmethod
    def _discarded(self) -> int:
        """Fragments and garbled codes dropped so far."""

    def _warning(self) -> tuple[str, str] | None:
        """A reason (English, Chinese) the connected device needs attention although it reads."""
        return None

    def _counters(self) -> dict[str, int]:
        """The subclass's own counters, for status details and diagnostics."""
        return {}

    # -- the reader thread ----------------------------------------------------------------------

    def start(self, on_scan: OnScan | None = None) -> None:
        with self._cond:
            self._on_scan = on_scan  # a running reader just changes hands
            self._worker.start()

    def stop(self) -> None:
        # A handler may stop the scanner from the reader thread itself ("got the code, stop reading"):
        # that thread ends by itself once the handler returns.
        self._worker.stop(2.0)
        with self._cond:
            self._queue.clear()
            self._cond.notify_all()

    def read(self, timeout: float | None = None) -> Scan | None:
        if not self._worker.running:
            self.start(self._on_scan)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._queue:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            return self._queue.popleft()

    def _session(self, stop: threading.Event) -> Outcome:
        """Open the device and read it until it goes away (the worker backs off and calls again)."""
        try:
            note = self._connect()
        except OSError as exc:
            self._worker.fail(stop, why(exc))
            return Outcome.FAILED
        with self._cond:
            self._connected = True
            self._worker.worked(stop)
            self._counts["connects"] += 1
            self._note = note
        try:
            self._pump(stop)
        except OSError as exc:
            self._worker.fail(stop, f"the device went away (unplugged?): {why(exc)}")
        finally:  # also after a bug in _pump, which the worker logs and backs off from
            with self._cond:
                self._connected = False
            self._reset()
            self._disconnect()
        return Outcome.WORKED

    def _pump(self, stop: threading.Event) -> None:
        while not stop.is_set():
            data = self._read(0.05)
            now = time.monotonic()
            for text, symbology in self._decode(data, now):
                self._deliver(Scan(text, symbology, time.time()), now)

    def _deliver(self, scan: Scan, now: float) -> None:
        if not self._debouncer.accept(scan.text, now):
            with self._cond:
                self._counts["repeats"] += 1
            return
        with self._cond:
            self._counts["scans"] += 1
            callback = self._on_scan
            if callback is None:
                self._queue.append(scan)
            self._cond.notify_all()
        log.debug("qrscanner %s: scan of %d characters", self.device, len(scan.text))
        if callback is not None:
            try:
                callback(scan)
            except Exception:
                log.exception("qrscanner %s: the scan handler failed", self.device)

    # -- health ---------------------------------------------------------------------------------

    def status(self) -> DeviceStatus:
        with self._cond:
            running, connected, outage = self._worker.running, self._connected, self._worker.outage()
            details: dict[str, Any] = {
                "device": self.device,
                **self._counts,
                "discarded": self._discarded(),
                **self._counters(),
            }
            warning = self._warning() if connected else None
        if not running:
            if not os.path.exists(self.device):
                reason = f"cannot open {self.device}: no such device (unplugged?)"
                return DeviceStatus(Health.FAULT, reason, "扫码器未连接", details)
            return DeviceStatus(Health.OK, f"idle (not reading) — {self.device}", "扫码器待机", details)
        if warning is not None:
            return DeviceStatus(Health.DEGRADED, f"{warning[0]} — {self.device}", warning[1], details)
        if connected:
            reason = f"reading {self.device} ({self._note}), {details['scans']} scans"
            return DeviceStatus(Health.OK, reason, "扫码器正常", details)
        if outage is None:
            return DeviceStatus(Health.DEGRADED, f"opening {self.device}", "扫码器连接中", details)
        details["failing_for_s"] = round(outage.failing_for, 1)
        if outage.health is Health.FAULT:
            return DeviceStatus(
                Health.FAULT, f"cannot open {self.device}: {outage.error}", "扫码器无法使用", details
            )
        return DeviceStatus(
            Health.DEGRADED, f"reconnecting to {self.device}: {outage.error}", "扫码器重新连接中", details
        )

    def self_test(self) -> SelfTest:
        """Open the device (or check the running reader); with `self_test_scan_s`, wait for a test scan."""
        steps: list[CheckStep] = []
        running = self._worker.running
        if running:
            st = self.status()
            steps.append(CheckStep("open", st.health is not Health.FAULT, st.reason))
        else:
            try:
                note = self._connect()
            except OSError as exc:
                return SelfTest((CheckStep("open", False, f"cannot open {self.device}: {why(exc)}"),))
            self._disconnect()
            steps.append(CheckStep("open", True, f"opened {self.device} ({note})"))
        if self.self_test_scan_s > 0 and steps[0].passed:
            steps.append(self._test_scan(running))
        return SelfTest(tuple(steps))

    def _test_scan(self, running: bool) -> CheckStep:
        got: list[Scan] = []
        seen = threading.Event()
        with self._cond:
            before = self._on_scan

        def take(scan: Scan) -> None:
            got.append(scan)
            seen.set()

        # Borrow the scans for the test: the kiosk's handler must not act on the technician's test code.
        self.start(take)
        try:
            seen.wait(self.self_test_scan_s)
        finally:
            if running:
                self.start(before)
            else:
                self.stop()
                self._on_scan = before
        if not got:
            return CheckStep("scan", False, f"no code scanned within {self.self_test_scan_s:.0f} s")
        scan = got[0]
        meaning = classify(scan.text).kind.value
        symbology = f", {scan.symbology}" if scan.symbology else ""
        return CheckStep("scan", True, f"read a code of {len(scan.text)} characters ({meaning}{symbology})")

    def extra_diagnostics(self) -> dict[str, Any]:
        with self._cond:
            return {
                **self._counts,
                "discarded": self._discarded(),
                **self._counters(),
                "last_error": self._worker.error,
            }
