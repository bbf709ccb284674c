"""SerialScanner: a scanner on a serial port (USB CDC-ACM /dev/ttyACM0, USB-serial, RS-232), a code a line."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import serial

from drivers.base import SettingsError
from drivers.qrscanner.lines import SUFFIXES, LineSplitter, parse_line
from drivers.qrscanner.reader import Code, ThreadedScanner

_READ_TIMEOUT_S = 0.05


class SerialScanner(ThreadedScanner):
    driver: ClassVar[str] = "serial"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.port: str = self.setting("port", str)
        self.baud: int = self.setting("baud", int, 9600, minimum=1)
        suffix = self.setting("suffix", str, "auto")
        if suffix not in SUFFIXES:
            raise SettingsError(
                f"devices.qrscanner.suffix must be one of {', '.join(SUFFIXES)}, got {suffix!r}"
            )
        self.prefix: str = self.setting("prefix", str, "")
        self.aim: bool = self.setting("aim", bool, True)
        self.splitter = LineSplitter(suffix, self.idle_s)
        self._rejected = 0
        self._serial: serial.Serial | None = None

    @property
    def device(self) -> str:
        return self.port

    def _connect(self) -> str:
        # pyserial's own message for a missing port is long and repeats the path; say it plainly.
        if not os.path.exists(self.port):
            raise OSError("no such device (unplugged?)")
        try:
            # exclusive: a second program reading the same scanner would steal half the codes.
            self._serial = serial.Serial(self.port, self.baud, timeout=_READ_TIMEOUT_S, exclusive=True)
        except serial.SerialException as exc:
            raise OSError(str(exc)) from exc
        return f"{self.baud} baud"

    def _disconnect(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(OSError):
                port.close()

    def _read(self, timeout: float) -> bytes:
        port = self._serial
        assert port is not None
        # The port's own timeout (set once: changing it re-applies termios settings) bounds the wait.
        data = port.read(1)
        if data:
            data += port.read(port.in_waiting)
        return bytes(data)

    def _decode(self, data: bytes, now: float) -> list[Code]:
        out: list[Code] = []
        for line in self.splitter.feed(data, now):
            code = parse_line(line, self.prefix, self.aim)
            if code is None:
                self._rejected += 1
            else:
                out.append(code)
        return out

    def _reset(self) -> None:
        self.splitter.reset()

    def _discarded(self) -> int:
        return self.splitter.discarded + self._rejected
