"""The ESC/POS receipt printer driver: layout -> transport, with DLE EOT status around every job.

Before a job the driver asks the printer's status and sends nothing if it cannot print: a real
printer that is out of paper still accepts bytes, keeps them in its buffer and prints them when the
paper is changed, so an unchecked ticket would come out minutes later for nobody. After the job it
asks again, because paper can run out (or the cover open) in the middle of a ticket. Settings are
documented in drivers/printer/README.md.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from drivers.base import CheckStep, DeviceStatus, SelfTest, SettingsError
from drivers.printer import MaterialsPrint, PrinterError, ReceiptPrinter, StateChange, TicketPrint
from drivers.printer.capabilities import PROFILES, Capabilities, from_model
from drivers.printer.commands import ParseError, dle_eot
from drivers.printer.interpret import interpret
from drivers.printer.layout import materials_job, ticket_job
from drivers.printer.status import QUERIES, PrinterState, Problem
from drivers.printer.transport import TransportError, from_settings

log = logging.getLogger(__name__)

_SAMPLE = TicketPrint(
    hall_name="打印机自检 Printer self-test",
    number="T000",
    colour="blue",
    matter_name_zh="测试页：中文、English、１２３",
    matter_name_en="Test page",
    issued_at=datetime(2026, 1, 1, tzinfo=UTC),
    status_url="http://example.invalid/t/self-test",
    waiting_ahead=0,
    estimated_wait_s=0,
)


class EscposPrinter(ReceiptPrinter):
    driver: ClassVar[str] = "escpos"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.caps = self._capabilities()
        self.transport = from_settings(self.setting)
        self.status_query = self.setting("status_query", bool, True)
        self.status_timeout = self._seconds("status_timeout_s", 0.5)
        self.print_timeout = self._seconds("print_timeout_s", 10.0)
        self.poll_interval = self.setting("poll_interval_s", float, 5.0)
        if self.poll_interval < 0:
            raise SettingsError("devices.printer.poll_interval_s must be >= 0 (0 turns polling off)")
        self.self_test_print = self.setting("self_test_print", bool, False)
        self._lock = threading.RLock()  # one conversation with the printer at a time
        self._state: PrinterState | None = None
        self._status: DeviceStatus | None = None
        self._polled_at = 0.0
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self.counters: Counter[str] = Counter()

    def _seconds(self, key: str, default: float) -> float:
        value = self.setting(key, float, default)
        if value <= 0:
            raise SettingsError(f"devices.printer.{key} must be > 0, got {value}")
        return float(value)

    def _capabilities(self) -> Capabilities:
        paper = self.setting("paper", str, "80mm")
        if paper not in PROFILES:
            raise SettingsError(f"devices.printer.paper must be one of {', '.join(PROFILES)}, got {paper!r}")
        fields = {"width_dots": int, "qr": str, "encoding": str, "cutter": bool, "qr_module": int}
        overrides = {k: self.setting(k, kind) for k, kind in fields.items() if k in self.settings}
        try:
            base = PROFILES[paper]
            if "model" in self.settings:
                base = from_model(self.setting("model", str), base)
            return base.with_overrides(**overrides)
        except ValueError as exc:
            raise SettingsError(f"devices.printer: {exc}") from exc

    # -- life cycle -------------------------------------------------------------------------------

    def open(self) -> None:
        """Start the status poller (poll_interval_s > 0); the transport itself connects lazily."""
        if self.poll_interval > 0 and self._poller is None:
            self._stop.clear()
            self._poller = threading.Thread(target=self._poll_loop, name="printer-status", daemon=True)
            self._poller.start()

    def close(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)
            self._poller = None
        with self._lock:
            self.transport.close()

    def _poll_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:  # the poller must outlive any one bad reading
                log.exception("printer status poll failed")
            self._stop.wait(self.poll_interval)

    # -- status -----------------------------------------------------------------------------------

    def poll(self) -> PrinterState:
        """Ask the printer now; fires on_state_change listeners if the state differs from the last one."""
        with self._lock:
            state = self._read_state(self.status_timeout)
            self._remember(state)
            return state

    def status(self) -> DeviceStatus:
        fresh = self._poller is not None and time.monotonic() - self._polled_at < self.poll_interval
        if fresh and self._status is not None:
            return self._status  # the poller keeps it current; do not queue behind a print job
        self.poll()
        assert self._status is not None
        return self._status

    def _read_state(self, first_timeout: float) -> PrinterState:
        if not self.status_query or not self.transport.can_read:
            why = self.transport.probe()
            return PrinterState.unreachable(why) if why else PrinterState.unknown(self.transport.describe())
        was_open = self.transport.is_open
        try:
            return self._query(first_timeout)
        except TransportError as exc:
            self.transport.close()
            if not was_open:
                return PrinterState.unreachable(str(exc))
        try:  # once more on a fresh connection: printers and NAT boxes drop idle ones
            return self._query(first_timeout)
        except TransportError as exc:
            self.transport.close()
            return PrinterState.unreachable(str(exc))

    def _query(self, first_timeout: float) -> PrinterState:
        self.transport.ensure_open()
        self.transport.drain()
        replies: dict[int, int] = {}
        for n in QUERIES:
            timeout = first_timeout if n == 1 else self.status_timeout
            self.transport.write(dle_eot(n))
            got = self.transport.read(1, timeout)
            if not got:
                raise TransportError(
                    f"no answer to DLE EOT {n} within {timeout:g} s (printer off? if it cannot report "
                    "status at all, set status_query = false)"
                )
            replies[n] = got[0]
        return PrinterState.from_replies(replies)

    def _remember(self, state: PrinterState) -> None:
        with self._lock:
            previous, self._state = self._state, state
            before = self._status
            self._status = state.to_status({"transport": self.transport.describe()})
            self._polled_at = time.monotonic()
            if previous != state:
                self._emit(StateChange(before, self._status))

    # -- printing ---------------------------------------------------------------------------------

    def print_ticket(self, ticket: TicketPrint) -> None:
        self._print(ticket_job(ticket, self.caps), "ticket", ticket.number)

    def print_materials(self, materials: MaterialsPrint) -> None:
        self._print(materials_job(materials, self.caps), "materials", None)

    def _print(self, job: bytes, what: str, number: str | None) -> None:
        with self._lock:
            before = self.poll()
            if before.blocks_printing:
                raise self._refuse(before, what, number, sent=False)
            try:
                self.transport.ensure_open()
            except TransportError as exc:
                state = PrinterState.unreachable(str(exc))
                self._remember(state)
                raise self._refuse(state, what, number, sent=False) from exc
            try:
                self.transport.write(job)
            except TransportError as exc:
                self.transport.close()
                state = PrinterState.unreachable(str(exc))
                self._remember(state)
                raise self._refuse(state, what, number, sent=True) from exc
            self.counters["bytes_sent"] += len(job)
            # The printer answers after it has taken in the job; a long wait here is a slow printer.
            after = self._read_state(self.print_timeout)
            self._remember(after)
            if after.blocks_printing:
                raise self._refuse(after, what, number, sent=True)
            self.counters[f"{what}_printed"] += 1

    def _refuse(self, state: PrinterState, what: str, number: str | None, *, sent: bool) -> PrinterError:
        problem = state.problem
        assert problem is not None
        self.counters[f"refused:{problem.code}"] += 1
        zh, en = _resident_message(problem, number, sent)
        log.warning(
            "printer refused %s (%s, sent=%s): %s", what, problem.code, sent, state.note or problem.reason
        )
        return PrinterError(problem.code, en, zh, number=number, sent=sent)

    # -- technician -------------------------------------------------------------------------------

    def self_test(self) -> SelfTest:
        caps = self.caps
        cutter = "cutter" if caps.cutter else "no cutter"
        steps = [
            CheckStep(
                "settings",
                True,
                f"{self.transport.describe()}; {caps.name} paper, {caps.width_dots} dots = "
                f"{caps.cols} columns; QR {caps.qr}; {caps.encoding}; {cutter}",
            )
        ]
        try:
            job = ticket_job(_SAMPLE, caps)
            paper = interpret(job, caps.width_dots)
            fits = not any(line.wrapped for line in paper.lines)
            steps.append(
                CheckStep(
                    "layout",
                    fits,
                    f"sample ticket: {len(job)} bytes, {len(paper.lines)} lines, "
                    + ("all fit the paper" if fits else "a line overflows the paper"),
                )
            )
        except (ValueError, ParseError) as exc:
            steps.append(CheckStep("layout", False, f"sample ticket cannot be laid out: {exc}"))
        state = self.poll()
        st = self._status
        assert st is not None
        steps.append(CheckStep("status", not state.blocks_printing, f"{st.health.value}: {st.reason}"))
        if self.self_test_print and not state.blocks_printing:
            try:
                self._print(ticket_job(_SAMPLE, caps), "test_page", _SAMPLE.number)
                steps.append(CheckStep("print", True, "sample ticket T000 sent: check it on paper"))
            except PrinterError as exc:
                steps.append(CheckStep("print", False, exc.message))
        return SelfTest(tuple(steps))

    def extra_diagnostics(self) -> dict[str, Any]:
        return {
            "transport": self.transport.describe(),
            "capabilities": {**dataclasses.asdict(self.caps), "cols": self.caps.cols},
            "counters": dict(self.counters),
            "poll_interval_s": self.poll_interval,
        }


def _resident_message(problem: Problem, number: str | None, sent: bool) -> tuple[str, str]:
    """What the kiosk shows (and reads aloud) instead of the paper."""
    if number is None:
        return (
            f"材料清单未能打印：{problem.resident_zh}。请在屏幕上查看，或向工作人员索取。",
            f"The materials list could not be printed: {problem.resident}. "
            "Please read it on the screen or ask a member of staff.",
        )
    partial_zh = "号票可能未打印完整，" if sent else ""
    partial_en = " Your ticket may be incomplete." if sent else ""
    return (
        f"取号成功，请记下您的号码 {number}。{problem.resident_zh}，{partial_zh}已通知工作人员。",
        f"Your ticket {number} has been issued: please note the number. "
        f"{problem.resident[:1].upper()}{problem.resident[1:]}, and staff have been told.{partial_en}",
    )
