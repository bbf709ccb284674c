"""How job bytes reach the printer: python-escpos's `Network`, `Serial`, `File` and `Usb`, made thin here.

Each transport is the library's printer class (it opens the socket, port, file or USB device, and its
`_raw` writes), plus what DLE EOT status polling needs and the library lacks: a read with a timeout
(its `_read()` blocks for its fixed timeout and cannot tell "no answer" from "connection closed"),
dropping stale input, a probe for write-only paths, and one `TransportError` for every failure,
which the driver turns into printer_unreachable. Job bytes are built before a transport is touched
(drivers.printer.job), so a transport only ever sends whole jobs and status queries.
"""

from __future__ import annotations

import abc
import contextlib
import os
import select
import socket
import termios
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import serial

from drivers.base import SettingsError
from drivers.printer.escpos_import import DeviceNotFoundError, File, Network, Serial, Usb

Setting = Callable[..., Any]  # Driver.setting(key, type, default, minimum=..., maximum=...)
# A vanished USB-serial adapter surfaces as any of these (tcflush raises termios.error, not OSError).
_SERIAL_ERRORS = (serial.SerialException, OSError, termios.error)


class TransportError(OSError):
    """The printer could not be opened, written or read."""


class Transport(abc.ABC):
    name: ClassVar[str]

    @property
    def can_read(self) -> bool:
        """False: status cannot be queried, so the driver reports it as unknown."""
        return True

    @abc.abstractmethod
    def open(self) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    @property
    @abc.abstractmethod
    def is_open(self) -> bool: ...

    @abc.abstractmethod
    def write(self, data: bytes) -> None: ...

    def read(self, n: int, timeout: float) -> bytes:
        """Up to n bytes; b"" when nothing came within `timeout` seconds."""
        raise TransportError(f"the {self.name} transport cannot read")

    def drain(self) -> None:  # noqa: B027 - nothing to drop on write-only transports
        """Drop input that arrived unasked (a late reply to an earlier, timed-out query)."""

    def probe(self) -> str:
        """For write-only transports: "" if the printer looks present, else why not."""
        return ""

    @abc.abstractmethod
    def describe(self) -> str: ...

    def ensure_open(self) -> None:
        if not self.is_open:
            self.open()


class NetworkTransport(Transport, Network):
    """A raw TCP socket to port 9100 (JetDirect / AppSocket), which Epson-class printers answer on."""

    name = "network"

    def __init__(self, host: str, port: int, connect_timeout: float, write_timeout: float) -> None:
        Network.__init__(self, host, port, timeout=connect_timeout)
        self.write_timeout = write_timeout

    @property
    def is_open(self) -> bool:
        return isinstance(self._device, socket.socket)

    def open(self) -> None:
        try:
            Network.open(self)
        except DeviceNotFoundError as exc:
            why = exc.__context__ or exc  # the library's message wraps the OSError over two lines
            raise TransportError(f"cannot connect to {self.host}:{self.port}: {why}") from exc
        self._socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        Network.close(self)

    def _socket(self) -> socket.socket:
        self.ensure_open()
        assert isinstance(self._device, socket.socket)
        return self._device

    def write(self, data: bytes) -> None:
        sock = self._socket()
        try:
            sock.settimeout(self.write_timeout)
            self._raw(data)
        except OSError as exc:
            self.close()
            raise TransportError(f"sending to {self.host}:{self.port} failed: {exc}") from exc

    def read(self, n: int, timeout: float) -> bytes:
        sock = self._socket()
        try:
            sock.settimeout(timeout)
            data = sock.recv(n)
        except TimeoutError:
            return b""
        except OSError as exc:
            self.close()
            raise TransportError(f"reading from {self.host}:{self.port} failed: {exc}") from exc
        if not data:
            self.close()
            raise TransportError(f"{self.host}:{self.port} closed the connection")
        return data

    def drain(self) -> None:
        sock = self._socket()
        while select.select([sock], [], [], 0)[0]:
            try:
                data = sock.recv(4096)
            except OSError as exc:
                self.close()
                raise TransportError(f"{self.host}:{self.port}: {exc}") from exc
            if not data:  # the printer (or its power) dropped an idle connection
                self.close()
                raise TransportError(f"{self.host}:{self.port} closed the connection")

    def describe(self) -> str:
        return f"tcp://{self.host}:{self.port}"


class SerialTransport(Transport, Serial):
    name = "serial"
    FLOWS = ("none", "rtscts", "dsrdtr", "xonxoff")

    def __init__(self, port: str, baud: int, flow: str) -> None:
        # The library's dsrdtr defaults to True, which waits for a DSR that a three-wire cable never gives.
        Serial.__init__(self, port, baud, timeout=0.5, xonxoff=flow == "xonxoff", dsrdtr=flow == "dsrdtr")
        self.flow = flow

    @property
    def is_open(self) -> bool:
        return isinstance(self._device, serial.Serial)

    def open(self) -> None:
        try:
            Serial.open(self)
            if self.flow == "rtscts":  # the library has no parameter for RTS/CTS
                self._port().rtscts = True
        except (DeviceNotFoundError, *_SERIAL_ERRORS, ValueError) as exc:
            self.close()
            raise TransportError(f"cannot open {self.devfile}: {exc.__context__ or exc}") from exc

    def close(self) -> None:
        """Without the library's flush(): tcdrain() never returns while a printer holds CTS or DSR off."""
        if isinstance(self._device, serial.Serial):
            with contextlib.suppress(*_SERIAL_ERRORS):
                self._device.close()
        self._device = False

    def _port(self) -> serial.Serial:
        if not self.is_open:
            self.open()
        assert isinstance(self._device, serial.Serial)
        return self._device

    def write(self, data: bytes) -> None:
        ser = self._port()
        try:
            # 10 bits a byte on the wire, and room for the printer to hold us off with flow control.
            ser.write_timeout = 2.0 + len(data) * 10 / self.baudrate * 2
            self._raw(data)
            ser.flush()
        except _SERIAL_ERRORS as exc:
            self.close()
            raise TransportError(f"writing to {self.devfile} failed: {exc}") from exc

    def read(self, n: int, timeout: float) -> bytes:
        ser = self._port()
        try:
            ser.timeout = timeout
            return bytes(ser.read(n))
        except _SERIAL_ERRORS as exc:
            self.close()
            raise TransportError(f"reading from {self.devfile} failed: {exc}") from exc

    def drain(self) -> None:
        try:
            self._port().reset_input_buffer()
        except _SERIAL_ERRORS as exc:
            self.close()
            raise TransportError(f"{self.devfile}: {exc}") from exc

    def describe(self) -> str:
        return f"serial:{self.devfile}@{self.baudrate}"


class FileTransport(Transport, File):
    """A path written per job: /dev/usb/lp0 (the kernel's usblp), a parallel port, or a plain file."""

    name = "file"

    @property
    def can_read(self) -> bool:
        return False

    def __init__(self, path: str) -> None:
        File.__init__(self, path, auto_flush=True)
        self.path = Path(path)

    @property
    def is_open(self) -> bool:
        return True  # opened per job, so a replugged printer's new device node is picked up

    def open(self) -> None:
        pass

    def close(self) -> None:
        File.close(self)

    def write(self, data: bytes) -> None:
        try:
            # Append, where the library's open() truncates: a plain file collects every job.
            self._device = open(self.path, "ab")  # noqa: SIM115 - closed below, after the library's _raw
            try:
                self._raw(data)
            finally:
                File.close(self)
        except OSError as exc:
            raise TransportError(f"cannot write {self.path}: {exc}") from exc

    def probe(self) -> str:
        if self.path.exists():
            return "" if os.access(self.path, os.W_OK) else f"{self.path} is not writable"
        parent = self.path.parent
        if self.path.is_relative_to("/dev") or not parent.is_dir():
            return f"{self.path} does not exist (printer unplugged or off?)"
        return "" if os.access(parent, os.W_OK) else f"cannot create {self.path}"

    def describe(self) -> str:
        return f"file:{self.path}"


class UsbTransport(Transport, Usb):
    """The library's Usb (finds the device, detaches usblp, configures it), with timed reads for DLE EOT."""

    name = "usb"

    def __init__(self, vendor: int, product: int, in_ep: int, out_ep: int, timeout_ms: int) -> None:
        Usb.__init__(self, vendor, product, timeout=timeout_ms, in_ep=in_ep or 0x82, out_ep=out_ep)
        self.vendor, self.product, self.readable = vendor, product, in_ep != 0

    @property
    def can_read(self) -> bool:
        return self.readable  # in_ep = 0: an OUT-only printer, its status cannot be read

    @property
    def is_open(self) -> bool:
        return self._device not in (False, None)

    def open(self) -> None:
        import usb.core

        try:
            Usb.open(self)
        except (DeviceNotFoundError, usb.core.USBError, usb.core.NoBackendError, OSError, ValueError) as exc:
            self._device = False
            raise TransportError(f"USB printer {self.describe()} not found: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):  # pyusb raises backend-specific errors on a gone device
            Usb.close(self)
        self._device = False

    def _call(self, what: str, fn: Callable[[Any], Any]) -> Any:
        import usb.core

        self.ensure_open()
        try:
            return fn(self._device)
        except usb.core.USBTimeoutError:
            return None
        except (usb.core.USBError, OSError, AssertionError) as exc:
            self.close()
            raise TransportError(f"USB {what} failed: {exc}") from exc

    def write(self, data: bytes) -> None:
        timeout = self.timeout + len(data) // 4  # USB full speed is fast; the printer's buffer is not
        if self._call("write", lambda d: d.write(self.out_ep, data, timeout)) is None:
            raise TransportError("USB write timed out (printer busy or off?)")

    def read(self, n: int, timeout: float) -> bytes:
        got = self._call("read", lambda d: d.read(self.in_ep, max(n, 64), int(timeout * 1000)))
        return bytes(got or b"")[:n]

    def drain(self) -> None:
        while self._call("read", lambda d: d.read(self.in_ep, 64, 1)):
            pass

    def probe(self) -> str:
        try:
            self.ensure_open()
        except TransportError as exc:
            return str(exc)
        return ""

    def describe(self) -> str:
        return f"usb:{self.vendor:04x}:{self.product:04x}"


TRANSPORTS = ("usb", "serial", "network", "file")


def _int(setting: Setting, key: str, default: Any = ...) -> int:
    """An int that TOML may give as 0x0416 or, from a hand-edited file, as the string "0x0416"."""
    value = setting(key, object, default)
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            raise SettingsError(
                f"devices.printer.{key} must be a number like 0x0416, got {value!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"devices.printer.{key} must be an integer, got {value!r}")
    return value


def from_settings(setting: Setting) -> Transport:
    """The transport `[devices.printer]` asks for; SettingsError names the key that is wrong."""
    kind = setting("transport", str, "usb")
    write_timeout = setting("write_timeout_s", float, 10.0)
    if kind == "network":
        port = setting("tcp_port", int, 9100, minimum=1, maximum=65535)
        return NetworkTransport(
            setting("host", str), port, setting("connect_timeout_s", float, 3.0), write_timeout
        )
    if kind == "serial":
        flow = setting("flow", str, "none")
        if flow not in SerialTransport.FLOWS:
            raise SettingsError(f"devices.printer.flow must be one of {', '.join(SerialTransport.FLOWS)}")
        return SerialTransport(setting("port", str), setting("baud", int, 9600), flow)
    if kind == "file":
        return FileTransport(setting("path", str))
    if kind == "usb":
        return UsbTransport(
            _int(setting, "vendor_id"),
            _int(setting, "product_id"),
            _int(setting, "in_ep", 0x82),
            _int(setting, "out_ep", 0x01),
            int(write_timeout * 1000),
        )
    raise SettingsError(f"devices.printer.transport must be one of {', '.join(TRANSPORTS)}, got {kind!r}")
