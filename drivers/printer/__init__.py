"""Receipt printers: the kind's interface, what it prints, and the errors and events it reports.

A printer fault never loses a ticket: the back office has issued it before anything is printed, and
print_ticket refuses (PrinterError, nothing sent) when the printer cannot print, so the kiosk shows
the number on screen instead. Retrying later is the caller's choice: call print_ticket again with the
same TicketPrint; the driver keeps no queue, so nothing stale prints hours later.
"""

from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from drivers.base import DeviceStatus, Driver, DriverError
from drivers.printer.model import MaterialsPrint, TicketPrint

__all__ = ["MaterialsPrint", "PrinterError", "ReceiptPrinter", "StateChange", "TicketPrint"]

log = logging.getLogger(__name__)


class PrinterError(DriverError):
    """A job the printer could not (or not surely) print.

    `number` is the ticket's number, for the screen; `sent` says whether job bytes left the driver
    (False: nothing printed at all; True: the printer failed during the job, so the paper may be partial).
    """

    def __init__(
        self, code: str, message: str, message_zh: str, *, number: str | None = None, sent: bool = False
    ) -> None:
        super().__init__(code, message, message_zh)
        self.number = number
        self.sent = sent


@dataclass(frozen=True, slots=True)
class StateChange:
    """Delivered to on_state_change listeners; `previous` is None for the first reading."""

    previous: DeviceStatus | None
    current: DeviceStatus


Listener = Callable[[StateChange], None]


class ReceiptPrinter(Driver):
    kind: ClassVar[str] = "printer"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()

    @abc.abstractmethod
    def print_ticket(self, ticket: TicketPrint) -> None:
        """Print one ticket, or raise PrinterError (code printer_*) with a message for the resident."""

    @abc.abstractmethod
    def print_materials(self, materials: MaterialsPrint) -> None:
        """Print a matter's materials list (一次性告知), or raise PrinterError."""

    def on_state_change(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` whenever the printer's state changes (and once with the first reading).

        Listeners run on the thread that noticed the change (the driver's poller or a caller of
        status()/print_*), so they should be quick; returns a function that unsubscribes.
        """
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, change: StateChange) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # a broken listener must not stop printing or the other listeners
                log.exception("printer state listener %r failed", listener)
