"""Wire codecs for window LED displays (pure: bytes in, frames out).

There is no common standard for these small serial LED bars, so the message model (`Frame`: address,
command, sequence number, payload) is ours and each vendor's framing is a `LedCodec` registered in
`codecs` under the name the `codec` setting uses. Two ship here:

* `hallbus` — our framed, addressed, checksummed protocol with ACK/NAK (README.md has the byte layout);
* `ascii-line` — "G012\\r\\n", what cheap number-only modules accept: no address, no checksum, no reply.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

STX, ETX, DLE = 0x02, 0x03, 0x10
BROADCAST = 0x00
MAX_PAYLOAD = 255
MIN_BLINK_PERIOD_10MS = 34  # 0.34 s: at most 2.94 flashes a second (GB/T 37668, WCAG 2.3.1: ≤ 3)


class Command(IntEnum):
    # Printable letters, so a hex dump of the bus reads like the protocol, and none needs escaping.
    SHOW = 0x53  # 'S' payload: text (GBK, or ASCII for number-only modules)
    CLEAR = 0x43  # 'C'
    BRIGHTNESS = 0x42  # 'B' payload: level 0..100
    BLINK = 0x46  # 'F' payload: times, period in 10 ms units (>= 34)
    QUERY = 0x51  # 'Q' reply: ACK with status, brightness, shown text
    ACK = 0x06
    NAK = 0x15


class NakReason(IntEnum):
    CHECKSUM = 1
    LENGTH = 2
    COMMAND = 3
    PAYLOAD = 4
    BUSY = 5


class StatusFlag(IntEnum):
    """Bits of the first byte of an ACK payload."""

    MODULE_FAULT = 0x01  # some LEDs / a driver chip failed: the text may be unreadable
    OVERHEAT = 0x02
    BLINKING = 0x04


@dataclass(frozen=True, slots=True)
class Frame:
    address: int
    command: Command
    seq: int = 0
    payload: bytes = b""


class FrameError(ValueError):
    """Bytes that are not a valid frame. Carries what could be read of the header, so a display can NAK."""

    def __init__(
        self, message: str, reason: NakReason = NakReason.LENGTH, address: int | None = None, seq: int = 0
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.address = address
        self.seq = seq


class LedCodec(abc.ABC):
    name: ClassVar[str]
    replies: ClassVar[bool]  # the display answers every addressed frame with ACK or NAK
    addressed: ClassVar[bool]  # several displays can share the line
    commands: ClassVar[frozenset[Command]]
    max_frame: ClassVar[int]  # bytes on the wire; a longer run without a frame end is garbage

    @abc.abstractmethod
    def encode(self, frame: Frame) -> bytes:
        """Wire bytes of one frame; FrameError if this codec cannot express it."""

    @abc.abstractmethod
    def decode(self, raw: bytes) -> Frame:
        """One frame as split() delimited it; FrameError for anything invalid, never another exception."""

    @abc.abstractmethod
    def split(self, buffer: bytes) -> tuple[list[bytes], bytes]:
        """Complete frame candidates at the front of `buffer`, and the unfinished rest."""


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF): what RS-485 display vendors already use."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


class HallBusCodec(LedCodec):
    """STX · escaped(ADDR CMD SEQ LEN PAYLOAD CRC16-LE) · ETX, with DLE byte-stuffing."""

    name = "hallbus"
    replies = True
    addressed = True
    commands = frozenset(Command)
    max_frame = 2 + 2 * (4 + MAX_PAYLOAD + 2)

    def encode(self, frame: Frame) -> bytes:
        if not (0 <= frame.address <= 0xFF and 0 <= frame.seq <= 0xFF):
            raise FrameError(f"address and seq are bytes: {frame.address}, {frame.seq}")
        if len(frame.payload) > MAX_PAYLOAD:
            raise FrameError(f"payload of {len(frame.payload)} bytes exceeds {MAX_PAYLOAD}", NakReason.LENGTH)
        body = bytes((frame.address, frame.command, frame.seq, len(frame.payload))) + frame.payload
        body += crc16_modbus(body).to_bytes(2, "little")
        out = bytearray((STX,))
        for b in body:
            # Stuffing keeps STX/ETX unique on the wire, so a receiver resynchronises at the next STX.
            out += bytes((DLE, b ^ 0x20)) if b in (STX, ETX, DLE) else bytes((b,))
        out.append(ETX)
        return bytes(out)

    def decode(self, raw: bytes) -> Frame:
        if len(raw) < 2 or raw[0] != STX or raw[-1] != ETX:
            raise FrameError("truncated frame (no STX…ETX)")
        body = bytearray()
        escaped = False
        for b in raw[1:-1]:
            if escaped:
                if b ^ 0x20 not in (STX, ETX, DLE):
                    raise FrameError(f"bad escape DLE {b:#04x}")
                body.append(b ^ 0x20)
                escaped = False
            elif b == DLE:
                escaped = True
            elif b in (STX, ETX):
                raise FrameError("unescaped STX/ETX inside a frame")
            else:
                body.append(b)
        if escaped:
            raise FrameError("frame ends inside an escape")
        if len(body) < 6:
            raise FrameError(f"frame body of {len(body)} bytes is too short")
        address, command, seq, length = body[0], body[1], body[2], body[3]
        if len(body) != 6 + length:
            raise FrameError(
                f"length byte says {length}, frame carries {len(body) - 6}", NakReason.LENGTH, address, seq
            )
        if crc16_modbus(body[:-2]) != int.from_bytes(body[-2:], "little"):
            raise FrameError("bad checksum", NakReason.CHECKSUM, address, seq)
        try:
            cmd = Command(command)
        except ValueError:
            raise FrameError(f"unknown command {command:#04x}", NakReason.COMMAND, address, seq) from None
        return Frame(address, cmd, seq, bytes(body[4:-2]))

    def split(self, buffer: bytes) -> tuple[list[bytes], bytes]:
        frames: list[bytes] = []
        start = buffer.find(STX)
        while start >= 0:
            end = buffer.find(ETX, start + 1)
            restart = buffer.find(STX, start + 1)
            if 0 <= restart < end or (end < 0 and restart >= 0):
                frames.append(buffer[start:restart])  # cut short by a new frame: decode() reports it
                start = restart
                continue
            if end < 0:
                return frames, buffer[start:]
            frames.append(buffer[start : end + 1])
            start = buffer.find(STX, end + 1)
        return frames, b""


class AsciiLineCodec(LedCodec):
    """One line of printable ASCII per update; an empty line clears. Show-only modules never answer."""

    name = "ascii-line"
    replies = False
    addressed = False
    commands = frozenset({Command.SHOW, Command.CLEAR})
    max_text = 64
    max_frame = max_text + 2

    def encode(self, frame: Frame) -> bytes:
        if frame.command not in self.commands:
            raise FrameError(f"{self.name} displays cannot {frame.command.name.lower()}", NakReason.COMMAND)
        text = frame.payload if frame.command is Command.SHOW else b""
        if len(text) > self.max_text or not all(0x20 <= b < 0x7F for b in text):
            raise FrameError(
                f"{self.name} carries up to {self.max_text} printable ASCII characters", NakReason.PAYLOAD
            )
        return text + b"\r\n"

    def decode(self, raw: bytes) -> Frame:
        line = raw.rstrip(b"\r\n")
        if len(line) > self.max_text or not all(0x20 <= b < 0x7F for b in line):
            raise FrameError("not a line of printable ASCII", NakReason.PAYLOAD)
        return Frame(BROADCAST, Command.SHOW if line else Command.CLEAR, 0, line)

    def split(self, buffer: bytes) -> tuple[list[bytes], bytes]:
        *lines, rest = buffer.split(b"\n")
        return [line + b"\n" for line in lines], rest


class FrameStream:
    """Reassembles frames from reads of any size; bad frames come out as FrameError values, never raised."""

    def __init__(self, codec: LedCodec) -> None:
        self.codec = codec
        self._buf = b""

    def reset(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        raws, self._buf = self.codec.split(self._buf + data)
        out: list[Frame | FrameError] = []
        for raw in raws:
            try:
                out.append(self.codec.decode(raw))
            except FrameError as exc:
                out.append(exc)
        if len(self._buf) > self.codec.max_frame:
            out.append(FrameError(f"{len(self._buf)} bytes without a frame end; dropped"))
            self._buf = b""
        return out


codecs: dict[str, LedCodec] = {}


def register(codec: LedCodec) -> LedCodec:
    """Make a codec available to the `codec` setting (a vendor package calls this at import)."""
    codecs[codec.name] = codec
    return codec


register(HallBusCodec())
register(AsciiLineCodec())


# -- payloads of the message model, the same whatever the framing ------------------------------------------


def blink_payload(times: int, flashes_per_s: float) -> bytes:
    period = math.ceil(100 / flashes_per_s)
    if not (1 <= times <= 10 and MIN_BLINK_PERIOD_10MS <= period <= 255):
        raise ValueError(f"blink of {times} × at {flashes_per_s}/s is outside 1–10 flashes at ≤ 3/s")
    return bytes((times, period))


def parse_blink(payload: bytes) -> tuple[int, float]:
    """(times, period in seconds); FrameError if malformed or faster than 3 flashes a second."""
    if len(payload) != 2 or not 1 <= payload[0] <= 10 or payload[1] < MIN_BLINK_PERIOD_10MS:
        raise FrameError("bad blink payload", NakReason.PAYLOAD)
    return payload[0], payload[1] / 100


@dataclass(frozen=True, slots=True)
class DisplayState:
    """The ACK payload of QUERY: status flags, brightness and the text as shown (raw bytes)."""

    flags: int
    brightness: int
    text: bytes

    def encode(self) -> bytes:
        return bytes((self.flags, self.brightness)) + self.text

    @classmethod
    def decode(cls, payload: bytes) -> DisplayState:
        if len(payload) < 2:
            raise FrameError("query reply too short", NakReason.PAYLOAD)
        return cls(payload[0], payload[1], payload[2:])
