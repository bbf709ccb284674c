"""The serial link to a SAM reader: pyserial at 8N1, one request → one reply frame.

Each exchange flushes stale input first (a late reply to an earlier, timed-out request must not be taken
for this one), then reads until the decoder yields a whole frame or the timeout passes. Any I/O error
closes the port; the next exchange reopens it, which is how an unplugged USB adapter is recovered.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable
from typing import Any

import serial

from drivers.idcard.codec import FrameDecoder, Response
from drivers.idcard.errors import ReaderDisconnected, ReaderNotFound, ReaderTimeout

try:  # tcflush on a vanished pty/USB device raises termios.error, which is not an OSError
    import termios

    _IO_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, termios.error)
except ImportError:  # pragma: no cover - not a POSIX system
    _IO_ERRORS = (serial.SerialException, OSError)

_READ_SLICE = 0.05  # seconds one read() may block; short so the deadline is kept precisely


class SerialTransport:
    def __init__(self, port: str, baud: int, serial_factory: Callable[..., Any] = serial.Serial) -> None:
        self.port = port
        self.baud = baud
        self._factory = serial_factory
        self._ser: Any = None
        self.last_skipped = 0  # garbage bytes the decoder dropped in the last exchange

    @property
    def is_open(self) -> bool:
        return self._ser is not None

    def open(self) -> None:
        if self._ser is not None:
            return
        if not os.path.exists(self.port):
            raise ReaderNotFound(self.port)
        try:
            self._ser = self._factory(
                port=self.port,
                baudrate=self.baud,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                xonxoff=False,
                rtscts=False,
                timeout=_READ_SLICE,
                write_timeout=2.0,
                exclusive=True,
            )
        except _IO_ERRORS as exc:
            code = getattr(exc, "errno", None)
            if code == errno.ENOENT or not os.path.exists(self.port):
                raise ReaderNotFound(self.port) from None
            if code in (errno.EAGAIN, errno.EBUSY):  # exclusive=True: another program holds the port
                raise ReaderNotFound(self.port, "in use by another program") from None
            raise ReaderNotFound(self.port, _why(exc)) from None

    def close(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            with contextlib.suppress(*_IO_ERRORS):  # the device may already be gone
                ser.close()

    def set_baud(self, baud: int) -> None:
        self.baud = baud
        if self._ser is not None:
            try:
                self._ser.baudrate = baud
            except _IO_ERRORS as exc:
                self.close()
                raise ReaderDisconnected(self.port, _why(exc)) from None

    def exchange(self, request: bytes, timeout: float, command: str = "") -> Response:
        """Send one request frame, return the first reply frame. Typed errors only."""
        self.open()
        ser = self._ser
        decoder = FrameDecoder()
        try:
            ser.reset_input_buffer()
            ser.write(request)
        except _IO_ERRORS as exc:
            self.close()
            raise ReaderDisconnected(self.port, _why(exc)) from None
        deadline = time.monotonic() + timeout
        while True:
            try:
                chunk = ser.read(max(1, ser.in_waiting))
            except _IO_ERRORS as exc:
                self.close()
                raise ReaderDisconnected(self.port, _why(exc)) from None
            if chunk:
                frames = decoder.feed(chunk)
                if frames:
                    self.last_skipped = decoder.skipped
                    return Response.parse(frames[0].checked())
            if time.monotonic() >= deadline:
                self.last_skipped = decoder.skipped
                raise ReaderTimeout(self.port, timeout, command)


def _why(exc: BaseException) -> str:
    code = getattr(exc, "errno", None)
    if code is None and exc.args and isinstance(exc.args[0], int):
        code = exc.args[0]  # termios.error carries (errno, text) in args only
    if isinstance(code, int) and code:
        return os.strerror(code)
    return str(exc).split(":")[0] or type(exc).__name__
