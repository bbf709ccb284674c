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

from drivers.base import CheckStep, DeviceStatus, Health, SelfTest, SettingsError
from drivers.qrscanner import OnScan, QrScanner, Scan, classify

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
        self.debounce_s = self._number("debounce_ms", int, 1000, 0) / 1000
        self.idle_s = self._number("idle_ms", int, 300, 10) / 1000
        self.reconnect_max_s: float = self._number("reconnect_max_s", float, 2.0, _FIRST_RETRY_S)
        self.fault_after_s: float = self._number("fault_after_s", float, 10.0, 0.0)
        self.self_test_scan_s: float = self._number("self_test_scan_s", float, 0.0, 0.0)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._on_scan: OnScan | None = None
        self._queue: deque[Scan] = deque(maxlen=_QUEUE)
        self._debouncer = Debouncer(self.debounce_s)
        self._connected = False
        self._had_connection = False
        self._failing_since: float | None = None
        self._error = ""
        self._note = ""  # what _connect() said, e.g. "9600 baud"
        self._counts = {"scans": 0, "repeats": 0, "connects": 0}

    def _number(self, key: str, kind: type, default: float, minimum: float) -> Any:
        value = self.setting(key, kind, default)
        if value < minimum:
            raise SettingsError(f"devices.qrscanner.{key} must be at least {minimum}, got {value!r}")
        return value

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

    # -- the reader thread ----------------------------------------------------------------------

    def start(self, on_scan: OnScan | None = None) -> None:
        with self._cond:
            self._on_scan = on_scan
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop = threading.Event()
            self._had_connection = False
            self._failing_since, self._error = None, ""
            self._thread = threading.Thread(
                target=self._run, args=(self._stop,), name=f"qrscanner {self.device}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._queue.clear()
            self._cond.notify_all()
        # A handler may stop the scanner from the reader thread itself ("got the code, stop reading"):
        # that thread ends by itself once the handler returns.
        if thread is not None and thread is not threading.current_thread():
            thread.join(2.0)

    def read(self, timeout: float | None = None) -> Scan | None:
        if self._thread is None:
            self.start(self._on_scan)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._queue:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            return self._queue.popleft()

    def _run(self, stop: threading.Event) -> None:
        delay = _FIRST_RETRY_S
        while not stop.is_set():
            try:
                note = self._connect()
            except OSError as exc:
                self._fail(stop, why(exc))
                if stop.wait(delay):
                    break
                delay = min(delay * 2, self.reconnect_max_s)
                continue
            delay = _FIRST_RETRY_S
            with self._cond:
                self._connected, self._had_connection = True, True
                self._failing_since, self._error = None, ""
                self._counts["connects"] += 1
                self._note = note
            crashed = False
            try:
                self._pump(stop)
            except OSError as exc:
                self._fail(stop, f"the device went away (unplugged?): {why(exc)}")
            except Exception as exc:  # a bug must not end reading for good: log it, reopen, go on
                log.exception("qrscanner %s: unexpected error", self.device)
                self._fail(stop, f"unexpected error: {exc}")
                crashed = True
            finally:
                with self._cond:
                    self._connected = False
                self._reset()
                self._disconnect()
            # Not in a tight loop if the same error comes on every read.
            if crashed and stop.wait(self.reconnect_max_s):
                break

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

    def _fail(self, stop: threading.Event, reason: str) -> None:
        with self._cond:
            if stop.is_set():
                return
            if self._failing_since is None:
                self._failing_since = time.monotonic()
                log.warning("qrscanner %s: %s", self.device, reason)
            self._error = reason

    # -- health ---------------------------------------------------------------------------------

    def status(self) -> DeviceStatus:
        with self._cond:
            running, connected = self._thread is not None, self._connected
            failing_since, error, had = self._failing_since, self._error, self._had_connection
            details: dict[str, Any] = {"device": self.device, **self._counts, "discarded": self._discarded()}
        if not running:
            if not os.path.exists(self.device):
                reason = f"cannot open {self.device}: no such device (unplugged?)"
                return DeviceStatus(Health.FAULT, reason, "扫码器未连接", details)
            return DeviceStatus(Health.OK, f"idle (not reading) — {self.device}", "扫码器待机", details)
        if connected:
            reason = f"reading {self.device} ({self._note}), {details['scans']} scans"
            return DeviceStatus(Health.OK, reason, "扫码器正常", details)
        if failing_since is None:
            return DeviceStatus(Health.DEGRADED, f"opening {self.device}", "扫码器连接中", details)
        failing_for = time.monotonic() - failing_since
        details["failing_for_s"] = round(failing_for, 1)
        if not had or failing_for >= self.fault_after_s:
            return DeviceStatus(
                Health.FAULT, f"cannot open {self.device}: {error}", "扫码器无法使用", details
            )
        return DeviceStatus(
            Health.DEGRADED, f"reconnecting to {self.device}: {error}", "扫码器重新连接中", details
        )

    def self_test(self) -> SelfTest:
        """Open the device (or check the running reader); with `self_test_scan_s`, wait for a test scan."""
        steps: list[CheckStep] = []
        running = self._thread is not None
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
            return {**self._counts, "discarded": self._discarded(), "last_error": self._error}
