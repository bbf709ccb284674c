"""The window LED display driver: pyserial, one request at a time, retries, reconnects after unplug.

One driver talks to every display on its serial line (RS-485 multi-drop, one bus address per window), or
to the single display of a point-to-point cable when `address` is set.
"""

from __future__ import annotations

import contextlib
import termios
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import serial

from drivers.base import CheckStep, DeviceStatus, DriverError, Health, SelfTest, SettingsError
from drivers.led import LedDisplay
from drivers.led.codec import (
    BROADCAST,
    Command,
    DisplayState,
    Frame,
    FrameError,
    FrameStream,
    LedCodec,
    StatusFlag,
    blink_payload,
    codecs,
)


class LedTimeout(DriverError):
    def __init__(self, message: str) -> None:
        super().__init__("led.timeout", message, "窗口屏无应答")


class LedNak(DriverError):
    def __init__(self, message: str) -> None:
        super().__init__("led.nak", message, "窗口屏拒绝了命令")


class LedUnplugged(DriverError):
    def __init__(self, message: str) -> None:
        super().__init__("led.unplugged", message, "窗口屏串口未连接")


class _BadReply(Exception):
    pass


class SerialLedDisplay(LedDisplay):
    driver: ClassVar[str] = "serial"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.port_path: str = self.setting("port", str)
        self.baud: int = self.setting("baud", int, 9600)
        name = self.setting("codec", str, "hallbus")
        if name not in codecs:
            raise SettingsError(f"devices.led.codec must be one of {', '.join(sorted(codecs))}, got {name!r}")
        self.codec: LedCodec = codecs[name]
        self.encoding: str = self.setting("encoding", str, "gbk" if self.codec.name == "hallbus" else "ascii")
        try:
            "0".encode(self.encoding)
        except LookupError:
            raise SettingsError(
                f"devices.led.encoding {self.encoding!r} is not a known text encoding"
            ) from None
        self.timeout_s: float = self._ranged("timeout_s", float, 0.3, 0.02, 5.0)
        self.retries: int = self._ranged("retries", int, 2, 0, 5)
        self._lock = threading.RLock()  # one request on the line at a time; replies carry no request id
        self._serial: serial.Serial | None = None
        self._seq = 0
        self._health: DeviceStatus | None = None
        self._counters = {
            "requests": 0,
            "retries": 0,
            "naks": 0,
            "timeouts": 0,
            "bad_replies": 0,
            "reconnects": 0,
        }

    # -- the line ---------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._drop_port()

    def _drop_port(self) -> None:
        if self._serial is not None:
            with contextlib.suppress(OSError, serial.SerialException, termios.error):
                self._serial.close()
            self._serial = None

    def _port(self) -> serial.Serial:
        if self._serial is not None:
            return self._serial
        if not Path(self.port_path).exists():
            raise LedUnplugged(f"serial port {self.port_path} not present (unplugged?)")
        try:
            self._serial = serial.Serial(self.port_path, self.baud, timeout=self.timeout_s, write_timeout=1.0)
        except (OSError, serial.SerialException) as exc:
            raise DriverError(
                "led.port", f"cannot open {self.port_path}: {exc}", "无法打开窗口屏串口"
            ) from None
        self._counters["reconnects"] += 1
        return self._serial

    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) % 256
        return self._seq

    def request(
        self, address: int, command: Command, payload: bytes = b"", *, attempts: int | None = None
    ) -> Frame | None:
        """Send one command and return the display's ACK (None for codecs or addresses that never reply).

        A retry resends the same sequence number, so a display that did act but whose ACK was lost
        recognises the repeat (a blink is not done twice) and a late ACK is matched to its request.
        """
        if command not in self.codec.commands:
            raise DriverError("led.unsupported", f"{self.codec.name} displays cannot {command.name.lower()}")
        attempts = attempts or 1 + self.retries
        with self._lock:
            frame = Frame(address, command, self._next_seq(), payload)
            wire = self.codec.encode(frame)
            self._counters["requests"] += 1
            error: DriverError = LedTimeout("no attempt made")
            for attempt in range(attempts):
                if attempt:
                    self._counters["retries"] += 1
                    time.sleep(0.02 * attempt)
                try:
                    reply = self._exchange(frame, wire)
                except LedNak as exc:
                    self._counters["naks"] += 1
                    error = exc
                except LedTimeout as exc:
                    self._counters["timeouts"] += 1
                    error = exc
                except _BadReply as exc:
                    self._counters["bad_replies"] += 1
                    error = DriverError(
                        "led.bad_reply", f"display {address}: unreadable reply ({exc})", "窗口屏应答错误"
                    )
                except LedUnplugged as exc:
                    error = exc
                except (OSError, serial.SerialException, termios.error) as exc:
                    # termios.error: tcflush on a vanished pty/USB adapter (pyserial lets it through).
                    self._drop_port()  # a vanished USB adapter: reopen the path on the next attempt
                    error = DriverError("led.io", f"{self.port_path}: {exc}", "窗口屏串口读写失败")
                else:
                    if reply is not None or not self.codec.replies:  # a broadcast proves nothing either way
                        self._health = self._state_from(reply)
                    return reply
            self._health = DeviceStatus(Health.FAULT, error.message, error.message_zh, {"code": error.code})
            raise error

    def _exchange(self, frame: Frame, wire: bytes) -> Frame | None:
        port = self._port()
        port.reset_input_buffer()  # a stale reply from a timed-out request must not answer this one
        port.write(wire)
        port.flush()
        if not self.codec.replies or frame.address == BROADCAST:
            return None
        stream = FrameStream(self.codec)
        deadline = time.monotonic() + self.timeout_s
        while (left := deadline - time.monotonic()) > 0:
            port.timeout = left
            chunk = port.read(max(1, port.in_waiting))
            for item in stream.feed(chunk):
                if isinstance(item, FrameError):
                    raise _BadReply(str(item))
                if item.address != frame.address or item.seq != frame.seq:
                    continue  # another display's traffic, or a late reply to an earlier request
                if item.command is Command.ACK:
                    return item
                if item.command is Command.NAK:
                    reason = item.payload[0] if item.payload else 0
                    raise LedNak(
                        f"display {frame.address} refused {frame.command.name} (NAK reason {reason})"
                    )
                # Anything else is our own request echoed by a half-duplex RS-485 adapter.
        raise LedTimeout(f"display {frame.address} did not answer within {self.timeout_s:.2f} s")

    def _state_from(self, reply: Frame | None) -> DeviceStatus:
        if reply is None:
            return DeviceStatus(
                Health.OK, f"{self.codec.name}: sent (these displays do not answer)", "", {"verified": False}
            )
        flags = reply.payload[0] if reply.payload else 0
        if flags & StatusFlag.MODULE_FAULT:
            return DeviceStatus(
                Health.DEGRADED,
                f"display {reply.address} reports an LED module fault",
                "窗口屏灯珠故障",
                {"flags": flags},
            )
        if flags & StatusFlag.OVERHEAT:
            return DeviceStatus(
                Health.DEGRADED,
                f"display {reply.address} reports overheating",
                "窗口屏过热",
                {"flags": flags},
            )
        return DeviceStatus(
            Health.OK, f"display {reply.address} answering on {self.port_path}", "", {"flags": flags}
        )

    # -- the display API (LedDisplay) -------------------------------------------------------------------

    def _send_text(self, address: int, text: str) -> None:
        try:
            payload = text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise ValueError(f"{text!r} cannot be shown in {self.encoding}: {exc.reason}") from None
        if len(payload) > 255:
            raise ValueError(f"{text!r} is {len(payload)} bytes, more than a frame carries")
        try:
            self.codec.encode(Frame(address, Command.SHOW, 0, payload))
        except FrameError as exc:
            raise ValueError(f"{text!r}: {exc}") from None
        self.request(address, Command.SHOW if text else Command.CLEAR, payload)

    def _send_clear(self, address: int) -> None:
        self.request(address, Command.CLEAR)

    def _send_blink(self, address: int, times: int, flashes_per_s: float) -> None:
        self.request(address, Command.BLINK, blink_payload(times, flashes_per_s))

    def _send_brightness(self, address: int, level: int) -> None:
        self.request(address, Command.BRIGHTNESS, bytes((level,)))

    def query(self, window: int | str | None = None, *, attempts: int | None = None) -> DisplayState:
        """What the display says it shows (hallbus only)."""
        if not self.codec.replies:
            raise DriverError("led.unsupported", f"{self.codec.name} displays cannot be queried")
        reply = self.request(self.address_for(window), Command.QUERY, attempts=attempts)
        if reply is None:
            raise DriverError("led.unsupported", "broadcast address cannot be queried")
        try:
            return DisplayState.decode(reply.payload)
        except FrameError as exc:
            raise DriverError("led.bad_reply", f"query reply: {exc}", "窗口屏应答错误") from None

    # -- status and self-test ---------------------------------------------------------------------------

    def status(self) -> DeviceStatus:
        if not Path(self.port_path).exists():
            return DeviceStatus(
                Health.FAULT, f"serial port {self.port_path} not present (unplugged?)", "窗口屏串口未连接"
            )
        with self._lock:
            if self._health is None or self._health.health is Health.FAULT:
                # Unknown or failed: one quick look, so status recovers by itself when the display does.
                try:
                    if self.codec.replies:
                        self.query(self.probe_address(), attempts=1)
                    else:
                        self._port()
                        self._health = self._state_from(None)
                except DriverError as exc:
                    self._health = DeviceStatus(Health.FAULT, exc.message, exc.message_zh, {"code": exc.code})
            assert self._health is not None
            return self._health

    def self_test(self) -> SelfTest:
        steps: list[CheckStep] = []
        try:
            with self._lock:
                self._port()
            steps.append(CheckStep("port", True, f"{self.port_path} open at {self.baud} baud"))
        except DriverError as exc:
            return SelfTest((CheckStep("port", False, exc.message),))
        for address in self.known_addresses():
            name = f"display {address}"
            if not self.codec.replies:
                # Nothing can be read back: re-send what it should show, which at least proves the line.
                try:
                    self._send_text(address, self.shown.get(address, ""))
                    steps.append(
                        CheckStep(name, True, f"{self.codec.name}: written (display does not answer)")
                    )
                except DriverError as exc:
                    steps.append(CheckStep(name, False, exc.message))
                continue
            try:
                state = self.query(address)
            except DriverError as exc:
                steps.append(CheckStep(name, False, exc.message))
                continue
            text = state.text.decode(self.encoding, errors="replace")
            faulty = state.flags & (StatusFlag.MODULE_FAULT | StatusFlag.OVERHEAT)
            steps.append(
                CheckStep(
                    name,
                    not faulty,
                    f"ACK: shows {text!r}, brightness {state.brightness}, flags {state.flags:#04x}",
                )
            )
        return SelfTest(tuple(steps))

    def extra_diagnostics(self) -> dict[str, Any]:
        return {
            "codec": self.codec.name,
            "counters": dict(self._counters),
            "shown": {str(k): v for k, v in self.shown.items()},
        }


__all__ = ["LedNak", "LedTimeout", "LedUnplugged", "SerialLedDisplay"]
