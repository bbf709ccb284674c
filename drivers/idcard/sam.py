"""SamSerialReader: the SAM serial protocol over pyserial — find → select → read, and a watch loop.

Design points (spec §8):
- A card is reported on the find edge (9F). After a read a real SAM answers "no card" (80) until the
  card leaves the field, so the driver cannot use find to see whether a read card is still there; it asks
  for the appended address (30 03), which a SAM serves without a new find/select while the card stays
  (spec §3). 90/91 = still there; anything else = gone. So a resting card is read once, and read again
  only after it was removed and placed again.
- Transient link trouble (timeouts, corrupted replies, SW3 10/11) is retried `retries` times per command.
  What remains is recorded as the driver's fault, which `status()` reports; the watch loop keeps retrying
  with exponential back-off, reopening the port, so an unplugged reader comes back by itself.
- Once find saw a card, every attempt ends in the card or a typed error for the kiosk (on_error, or
  raised by read_card): a status the command never gets (answers.py) is the reader misbehaving, which
  status() reports too; a select that keeps failing gives up after a few polls; a failed appended-address
  read fails the card rather than delivering an address that may be out of date. Reads failing one after
  another make status() degraded until a card reads again.
- Personal data is only in the returned Card objects (memory). Logs show masked cards and error codes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

from drivers.base import CheckStep, DeviceStatus, Health, SelfTest, SettingsError
from drivers.idcard import IdCardReader, OnCard, OnError, OnRemoved, codec
from drivers.idcard.answers import is_reader_trouble, refusal
from drivers.idcard.cards import Card, ResidencePermit, ResidentCard
from drivers.idcard.errors import (
    AddressUnread,
    CardDataError,
    CardReadError,
    CardReadInterrupted,
    FrameChecksumError,
    FrameError,
    FrameLengthError,
    IdCardError,
    LinkError,
    ReaderDisconnected,
    ReaderNotFound,
    ReaderTimeout,
    RequestRejected,
    SamFault,
    SamStatusError,
    SelectFailed,
    UnexpectedStatus,
    WltDecodeError,
)
from drivers.idcard.transport import SerialTransport
from drivers.idcard.wlt import WltDecoder
from drivers.worker import Outcome, ReconnectingWorker

log = logging.getLogger(__name__)

_RESEND = frozenset({0x10, 0x11})  # the SAM saw our request corrupted: sending it again is safe
_RECENT = 20  # exchanges remembered to judge whether the line is noisy
_SELECT_TRIES = 3  # polls a found card may fail select (it moved) before the resident is told
_FAILED_READS = 3  # cards failing one after another that make the reader itself suspect

# What the loop sees: ("card", Card) | ("removed", None) | ("error", IdCardError)
_Event = tuple[str, Any]


class SamSerialReader(IdCardReader):
    driver = "sam-serial"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.port: str = self.setting("port", str, "/dev/ttyUSB0")
        self.baud: int = self.setting("baud", int, 115200)
        if self.baud not in codec.BAUD_PARA:
            raise SettingsError(
                f"devices.idcard.baud must be one of {', '.join(map(str, codec.BAUD_PARA))}, got {self.baud}"
            )
        self.poll_interval = self._seconds("poll_interval", 0.5)
        self.command_timeout = self._seconds("command_timeout", 1.0)
        self.read_timeout = self._seconds("read_timeout", 3.0)
        self.retries: int = self.setting("retries", int, 2, minimum=0)
        self.reconnect_min = self._seconds("reconnect_min", 0.5)
        self.reconnect_max = max(self.reconnect_min, self._seconds("reconnect_max", 10.0))
        self.health_interval = self._seconds("health_interval", 5.0)
        self.read_fingerprint: bool = self.setting("read_fingerprint", bool, False)
        self.read_new_address: bool = self.setting("read_new_address", bool, True)
        library: str = self.setting("wlt_library", str, "")
        function: str = self.setting("wlt_function", str, "auto")
        self._wlt = WltDecoder(library, function) if library else None

        self._link = SerialTransport(self.port, self.baud)
        self._io = threading.RLock()  # one command outstanding (half duplex), and the card session below
        self._present = False  # a card was delivered and has not been seen leaving
        self._need_probe = True  # after every (re)open: SAM status + SAM id
        self._last_health = 0.0

        self._lock = threading.Lock()  # the fields status() reads
        self._fault: IdCardError | None = None
        self._contacted = False
        self._recent: deque[bool] = deque(maxlen=_RECENT)
        self._sam_id: str | None = None
        self._sam_id_error: IdCardError | None = None  # a malformed SAM id reply: asked again every poll
        self._failed_reads = 0  # placements in a row that ended in an error, reset by a card
        self._last_read_error: IdCardError | None = None
        self._unselected = 0  # polls in a row where a found card failed select
        self._counters: Counter[str] = Counter()

        # The watch thread: polls in sessions that end on a link failure, then backs off and reopens.
        self._worker = ReconnectingWorker(
            "idcard-watch",
            self._watch,
            first_retry_s=self.reconnect_min,
            max_retry_s=self.reconnect_max,
            logger=log,
        )
        self._handlers: tuple[OnCard, OnRemoved | None, OnError | None] | None = None  # start() sets them
        self._waiters: list[queue.SimpleQueue[Card | IdCardError]] = []

    def _seconds(self, key: str, default: float) -> float:
        value: float = self.setting(key, float, default)
        if value <= 0:
            raise SettingsError(f"devices.idcard.{key} must be a positive number of seconds, got {value}")
        return value

    # --- lifecycle -----------------------------------------------------------------------------------

    def open(self) -> None:
        """Contact the reader once; never raises for a device fault (status() says why)."""
        with self._io:
            try:
                self._probe()
            except IdCardError as exc:
                log.debug("idcard: open: %s", exc.message)

    def close(self) -> None:
        self.stop()
        with self._io:
            self._link.close()

    # --- commands ------------------------------------------------------------------------------------

    def _exchange(self, cmd: tuple[int, int], request: bytes, timeout: float) -> codec.Response:
        """One command with retries for transient trouble; returns whatever status the SAM answered."""
        name = codec.command_name(*cmd)
        last: IdCardError | None = None
        for attempt in range(self.retries + 1):
            try:
                if not self._link.is_open:
                    self._link.open()
                    self._need_probe = True
                    self._count("port_opens")
                resp = self._link.exchange(request, timeout, name)
            except (ReaderNotFound, ReaderDisconnected) as exc:
                self._link.close()
                self._count("disconnects" if isinstance(exc, ReaderDisconnected) else "not_found")
                raise
            except ReaderTimeout as exc:
                self._count("timeouts")
                self._note_exchange(clean=False)
                last = exc
                continue
            except FrameError as exc:
                self._count("checksum_errors" if isinstance(exc, FrameChecksumError) else "frame_errors")
                self._note_exchange(clean=False)
                last = exc
                continue
            finally:
                skipped, self._link.last_skipped = self._link.last_skipped, 0
                self._count("garbage_bytes", skipped)
            if resp.sw3 in _RESEND:
                self._count("requests_rejected")
                self._note_exchange(clean=False)
                last = SamStatusError.from_sw3(resp.sw3)
                continue
            self._note_exchange(clean=attempt == 0 and skipped == 0, replied=True)
            return resp
        # Retries used up: start from a fresh open next time, in case the adapter is wedged.
        self._link.close()
        assert last is not None
        raise last

    def _command(self, cmd: tuple[int, int], timeout: float, *ok: int, data: bytes = b"") -> codec.Response:
        with self._io:
            try:
                resp = self._exchange(cmd, codec.request(*cmd, data), timeout)
            except (LinkError, RequestRejected) as exc:
                self._set_fault(exc)
                raise
            if resp.sw3 in ok:
                self._set_fault(None)
                return resp
            err = refusal(cmd, resp.sw3)
            self._set_fault(err if is_reader_trouble(err) else None)
            raise err

    def _probe(self) -> None:
        """SAM status then SAM id: the liveness check after every (re)open."""
        with self._io:
            self._command(codec.SAM_STATUS, self.command_timeout, 0x90)
            self._ask_sam_id()
            self._need_probe = False
            self._last_health = time.monotonic()

    def _ask_sam_id(self) -> None:
        # The id only names the module; a malformed one, or a status that command never gets, is worth a
        # technician's look (status says so), not worth refusing every card.
        try:
            self.read_sam_id()
        except (FrameLengthError, UnexpectedStatus) as exc:
            with self._lock:
                first, self._sam_id_error = self._sam_id_error is None, exc
            if first:
                log.warning("idcard: %s", exc.message)

    def read_sam_id(self) -> str:
        resp = self._command(codec.SAM_ID, self.command_timeout, 0x90)
        sam_id = codec.parse_sam_id(resp.data)
        with self._lock:
            self._sam_id, self._sam_id_error = sam_id, None
        return sam_id

    def change_baud(self, baud: int) -> None:
        """Switch the SAM and the port to another rate (cmd 60 xx): reply at the old rate, then reopen."""
        if baud not in codec.BAUD_PARA:
            raise SettingsError(f"the SAM supports {sorted(codec.BAUD_PARA)} baud, not {baud}")
        with self._io:
            self._command((codec.SET_BAUD, codec.BAUD_PARA[baud]), self.command_timeout, 0x90)
            self._link.set_baud(baud)
            self.baud = baud
            log.info("idcard: reader switched to %d baud", baud)

    # --- the card session ----------------------------------------------------------------------------

    def _poll_once(self) -> list[_Event]:
        events: list[_Event] = []
        with self._io:
            if self._need_probe:
                self._probe()
            elif time.monotonic() - self._last_health >= self.health_interval:
                self._command(codec.SAM_STATUS, self.command_timeout, 0x90)
                self._last_health = time.monotonic()
            elif self._sam_id_error is not None:
                self._ask_sam_id()
            if self._present:
                if self._still_there():
                    return events
                self._present = False
                log.debug("idcard: card removed")
                events.append(("removed", None))
            if self._command(codec.FIND, self.command_timeout, 0x9F, 0x80).sw3 == 0x80:
                self._unselected = 0
                return events
            try:
                self._command(codec.SELECT, self.command_timeout, 0x90)
            except IdCardError as exc:
                # Usually the card moved and the next poll finds it again; a card that stays found but
                # never selects is told once, and link trouble backs off like any poll failure.
                self._count("select_failures")
                self._unselected += 1
                if self._unselected == _SELECT_TRIES:
                    events.append(self._read_failed(exc))
                elif isinstance(exc, LinkError):
                    raise
                return events
            self._unselected = 0
            try:
                card = self._read()
            except IdCardError as exc:
                # The card is spent for this placement (a real SAM halts it after a read, even one whose
                # reply we lost): ask once for re-placement. Reader trouble stays recorded for status().
                self._present = True
                events.append(self._read_failed(exc))
                return events
            self._present = True
            with self._lock:
                self._failed_reads, self._last_read_error = 0, None
            self._count("cards_read")
            log.info("idcard: card read: %r", card)
            events.append(("card", card))
        return events

    def _read_failed(self, exc: IdCardError) -> _Event:
        """The error the kiosk shows for a found card that was not read: one the resident can act on."""
        card_side = isinstance(exc, CardReadError | CardDataError | AddressUnread | SelectFailed)
        error = exc if card_side else CardReadInterrupted(exc)
        self._count("read_errors")
        with self._lock:
            self._failed_reads += 1
            self._last_read_error = error
        log.warning("idcard: card could not be read: %s", error.message)
        return ("error", error)

    def _still_there(self) -> bool:
        try:
            self._command(codec.READ_NEW_ADDRESS, self.command_timeout, 0x90, 0x91)
        except SamFault:
            raise
        except SamStatusError:
            return False
        return True

    def _read(self) -> Card:
        cmd = codec.READ_WITH_FINGERPRINT if self.read_fingerprint else codec.READ_BASE
        resp = self._command(cmd, self.read_timeout, 0x90)
        try:
            card = codec.parse_read_reply(resp.data, self.read_fingerprint)
        except FrameLengthError as exc:
            raise CardDataError(exc.message) from None
        if self.read_new_address and isinstance(card, ResidentCard | ResidencePermit):
            card = dataclasses.replace(card, new_address=self._new_address())
        if self._wlt is not None:
            try:
                card = dataclasses.replace(card, photo=self._wlt.decode(card.photo_wlt))
            except WltDecodeError as exc:
                self._count("photo_decode_errors")
                log.warning("idcard: photo not decoded: %s", exc.message)
        return card

    def _new_address(self) -> str:
        """The appended address, "" when the card has none (91). Any failure fails the read: a card
        delivered without it would show the printed address, which may be out of date."""
        try:
            resp = self._command(codec.READ_NEW_ADDRESS, self.command_timeout, 0x90, 0x91)
            return codec.parse_new_address(resp.data) if resp.sw3 == 0x90 else ""
        except IdCardError as exc:
            raise AddressUnread(exc) from None

    # --- public reading API --------------------------------------------------------------------------

    def read_card(self, timeout: float) -> Card | None:
        if self.watching:
            return self._wait_for_watcher(timeout)
        deadline = time.monotonic() + timeout
        backoff = self.reconnect_min
        while True:
            failure: IdCardError | None = None
            try:
                events = self._poll_once()
            except IdCardError as exc:
                failure, wait = exc, backoff
                backoff = min(backoff * 2, self.reconnect_max)
            else:
                wait = self.poll_interval
                for kind, value in events:
                    if kind == "card":
                        return value  # type: ignore[no-any-return]
                    if kind == "error":
                        raise value
            left = deadline - time.monotonic()
            if left <= 0:
                if failure is not None:
                    raise failure
                return None
            time.sleep(min(wait, left))

    def _wait_for_watcher(self, timeout: float) -> Card | None:
        box: queue.SimpleQueue[Card | IdCardError] = queue.SimpleQueue()
        with self._lock:
            self._waiters.append(box)
        try:
            item = box.get(timeout=timeout)
        except queue.Empty:
            with self._lock:
                fault = self._fault
            if fault is not None:
                raise fault from None
            return None
        finally:
            with self._lock:
                self._waiters.remove(box)
        if isinstance(item, IdCardError):
            raise item
        return item

    @property
    def watching(self) -> bool:
        return self._worker.alive

    def start(
        self, on_card: OnCard, on_removed: OnRemoved | None = None, on_error: OnError | None = None
    ) -> None:
        with self._lock:
            if self._worker.alive:
                raise RuntimeError("the ID-card reader is already being watched")
            self._handlers = (on_card, on_removed, on_error)
            self._worker.start()

    def stop(self) -> None:
        self._worker.stop(self.read_timeout * (self.retries + 1) + self.reconnect_max + 5)

    def _watch(self, stop: threading.Event) -> Outcome:
        """Poll until a poll fails; the worker then backs off and calls again (after a bug too, logged)."""
        assert self._handlers is not None
        on_card, on_removed, on_error = self._handlers
        polled = False
        while not stop.is_set():
            try:
                events = self._poll_once()
            except IdCardError as exc:
                # status() already reports it; keep trying, slower and slower, until the reader is back.
                log.debug("idcard: poll failed (%s); backing off", exc.code)
                return Outcome.WORKED if polled else Outcome.FAILED
            polled = True
            for kind, value in events:
                self._deliver(kind, value, on_card, on_removed, on_error)
            stop.wait(self.poll_interval)
        return Outcome.DONE

    def _deliver(
        self, kind: str, value: Any, on_card: OnCard, on_removed: OnRemoved | None, on_error: OnError | None
    ) -> None:
        if kind in ("card", "error"):
            with self._lock:
                waiters = list(self._waiters)
            for box in waiters:
                box.put(value)
        try:
            if kind == "card":
                on_card(value)
            elif kind == "removed" and on_removed is not None:
                on_removed()
            elif kind == "error" and on_error is not None:
                on_error(value)
        except Exception:
            log.exception("idcard: the %s callback raised", kind)

    # --- health --------------------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1) -> None:
        if n:
            with self._lock:
                self._counters[key] += n

    def _note_exchange(self, clean: bool, replied: bool = False) -> None:
        with self._lock:
            self._contacted = self._contacted or replied
            self._recent.append(clean)
            self._counters["exchanges"] += 1

    def _set_fault(self, fault: IdCardError | None) -> None:
        with self._lock:
            before, self._fault = self._fault, fault
        if fault is not None and (before is None or before.code != fault.code):
            log.warning("idcard: %s", self._describe(fault)[1])
        elif fault is None and before is not None:
            log.info("idcard: reader OK again")

    def _describe(self, fault: IdCardError) -> tuple[Health, str, str]:
        if isinstance(fault, ReaderNotFound | ReaderDisconnected):
            # A port that vanished after we talked to the reader is an unplugged reader, not a wrong path.
            if self._contacted and not (isinstance(fault, ReaderNotFound) and fault.why):
                return Health.FAULT, "reader disconnected; retrying", "身份证阅读器已断开,正在重试"
            return Health.FAULT, fault.message, fault.message_zh
        if isinstance(fault, ReaderTimeout):
            return (
                Health.FAULT,
                f"reader not responding at {self.port} (no reply within {fault.timeout:g} s); retrying",
                "身份证阅读器无响应,正在重试",
            )
        if isinstance(fault, FrameChecksumError):
            return (
                Health.FAULT,
                "replies from the reader are corrupted (checksum error); retrying",
                "身份证阅读器应答校验和错误,正在重试",
            )
        if isinstance(fault, FrameError):
            return (
                Health.FAULT,
                f"replies from the reader are malformed ({fault.message}); retrying",
                ("身份证阅读器应答格式错误,正在重试"),
            )
        if isinstance(fault, RequestRejected):
            return Health.FAULT, f"the SAM rejects our requests: {fault.message}", fault.message_zh
        return Health.FAULT, fault.message, fault.message_zh

    def status(self) -> DeviceStatus:
        with self._lock:
            fault, contacted, sam_id = self._fault, self._contacted, self._sam_id
            sam_id_error, failed, last_error = self._sam_id_error, self._failed_reads, self._last_read_error
            noisy = self._recent.count(False)
            seen = len(self._recent)
        details: dict[str, Any] = {"port": self.port, "baud": self.baud, "sam_id": sam_id}
        if fault is not None:
            health, reason, reason_zh = self._describe(fault)
            details["error"] = fault.code
            return DeviceStatus(health, reason, reason_zh, details)
        if sam_id_error is not None:
            details["error"] = sam_id_error.code
            return DeviceStatus(
                Health.DEGRADED,
                f"the SAM id cannot be read ({sam_id_error.message}); cards are still read",
                "无法读取SAM编号,仍可读卡,请联系技术人员",
                details,
            )
        if failed >= _FAILED_READS and last_error is not None:
            details["error"] = last_error.code
            return DeviceStatus(
                Health.DEGRADED,
                f"the last {failed} cards could not be read (last: {last_error.code}); "
                "clean the reader or call a technician",
                f"连续{failed}张证件读取失败,请清洁阅读器或联系技术人员",
                details,
            )
        if not contacted:
            if not os.path.exists(self.port):
                return DeviceStatus(
                    Health.FAULT,
                    f"reader not found at {self.port}",
                    f"未找到身份证阅读器({self.port})",
                    details,
                )
            return DeviceStatus(
                Health.DEGRADED, f"reader at {self.port} not contacted yet", "尚未连接身份证阅读器", details
            )
        if noisy:
            return DeviceStatus(
                Health.DEGRADED,
                f"unreliable link: {noisy} of the last {seen} exchanges retried or garbled",
                "身份证阅读器通信不稳定",
                details,
            )
        return DeviceStatus(
            Health.OK, f"reader ready at {self.port} (SAM {sam_id})", "身份证阅读器正常", details
        )

    def self_test(self) -> SelfTest:
        steps: list[CheckStep] = []
        with self._io:
            self._link.close()
            try:
                self._link.open()
                self._need_probe = True
                steps.append(CheckStep("port opens", True, f"{self.port} open at {self.baud} baud 8N1"))
            except LinkError as exc:
                self._set_fault(exc)
                steps.append(CheckStep("port opens", False, self._describe(exc)[1]))
                return SelfTest(tuple(steps))
            steps.append(self._step("SAM status (11 FF)", self._self_test_status))
            steps.append(self._step("SAM id (12 FF)", self.read_sam_id))
            steps.append(self._find_step())
        return SelfTest(tuple(steps))

    def _self_test_status(self) -> str:
        self._command(codec.SAM_STATUS, self.command_timeout, 0x90)
        return "SAM self-test passed (SW3 0x90)"

    @staticmethod
    def _step(name: str, run: Any) -> CheckStep:
        try:
            return CheckStep(name, True, str(run()))
        except IdCardError as exc:
            return CheckStep(name, False, exc.message)

    def _find_step(self) -> CheckStep:
        name = "find card (20 01)"
        try:
            resp = self._command(codec.FIND, self.command_timeout, 0x9F, 0x80)
        except IdCardError as exc:
            return CheckStep(name, True, f"informational: could not look for a card ({exc.message})")
        if resp.sw3 == 0x9F:
            return CheckStep(name, True, "informational: a card is on the reader")
        return CheckStep(
            name, True, "informational: no card found (a card already read stays silent until placed again)"
        )

    def extra_diagnostics(self) -> dict[str, Any]:
        with self._lock:
            counters = dict(self._counters)
            sam_id = self._sam_id
        return {
            "port": self.port,
            "baud": self.baud,
            "sam_id": sam_id,
            "watching": self.watching,
            "card_present": self._present,
            "wlt_decoder": None if self._wlt is None else f"{self._wlt.function}() in {self._wlt.path}",
            "counters": counters,
        }
