"""QR and barcode scanners: serial line-based ones and keyboard-wedge (USB HID keyboard) ones.

A scanner delivers Scans — to a callback given to start(), or, without one, to read(). What a scan
means to the kiosk (an appointment code, a ticket URL, or neither) is the pure `classify()`; its
formats are described in drivers/qrscanner/codes.py and the README.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from drivers.base import Driver
from drivers.qrscanner.codes import (
    APPOINTMENT_PREFIX,
    ScanKind,
    ScanMeaning,
    appointment_code,
    appointment_url,
    classify,
    ticket_url,
)


@dataclass(frozen=True, slots=True)
class Scan:
    text: str
    symbology: str | None  # "qr", "code128", … when the scanner sends an AIM identifier; else None
    at: float  # time.time() when the code's last byte or key arrived


OnScan = Callable[[Scan], None]


class QrScanner(Driver):
    kind: ClassVar[str] = "qrscanner"

    @abc.abstractmethod
    def start(self, on_scan: OnScan | None = None) -> None:
        """Start reading (idempotent). With `on_scan`, every scan is passed to it on the reader thread and
        read() gets none; without, scans wait for read(). An absent device is not an error: the reader
        keeps trying and status() says why."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop reading and release the device (idempotent); scans not yet read are dropped."""

    @abc.abstractmethod
    def read(self, timeout: float | None = None) -> Scan | None:
        """The next scan, waiting up to `timeout` seconds (None: forever); starts reading if needed."""

    def open(self) -> None:
        self.start()

    def close(self) -> None:
        self.stop()


__all__ = [
    "APPOINTMENT_PREFIX",
    "OnScan",
    "QrScanner",
    "Scan",
    "ScanKind",
    "ScanMeaning",
    "appointment_code",
    "appointment_url",
    "classify",
    "ticket_url",
]
