"""The SAM serial protocol, pure: frames, a streaming decoder, request builders, reply parsing (spec §2-§6).

No I/O here. `FrameDecoder.feed(bytes)` returns the frames found so far; requests are built by the
functions below; `parse_read_reply` turns a 30 01 / 30 10 reply into a typed Card. Anything malformed
raises an `IdCardError` subclass, never anything else.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import reduce

from drivers.idcard.cards import Card
from drivers.idcard.errors import (
    CardDataError,
    FrameChecksumError,
    FrameLengthError,
    SamStatusError,
)
from drivers.idcard.textblock import parse_text_block

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
SYNC = 0xAA
# The decoder locks on one sync byte + the start-of-frame 96 69: a real capture shows a reply that lost a
# sync byte (AA 00 AA AA 96 69 …, spec §2); the checksum and the LEN bound reject false locks.
_LOCK = b"\xaa\x96\x69"
MAX_LEN = 4096  # largest real frame is LEN 0x090A (2321 bytes total); anything far above is a false lock
MIN_LEN = 3  # CMD PARA CHK

# Commands (CMD, PARA), spec §3.
RESET = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
SAM_ID = (0x12, 0xFF)
FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ_BASE = (0x30, 0x01)  # text + photo
READ_NEW_ADDRESS = (0x30, 0x03)
READ_WITH_FINGERPRINT = (0x30, 0x10)  # text + photo + fingerprint
SET_BAUD = 0x60
SET_RF_FRAME = (0x61, 0xFF)
BAUD_PARA = {115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04}

COMMAND_NAMES = {
    RESET: "reset SAM (10 FF)",
    SAM_STATUS: "SAM status (11 FF)",
    SAM_ID: "SAM id (12 FF)",
    FIND: "find card (20 01)",
    SELECT: "select card (20 02)",
    READ_BASE: "read card (30 01)",
    READ_NEW_ADDRESS: "read new address (30 03)",
    READ_WITH_FINGERPRINT: "read card with fingerprint (30 10)",
    SET_RF_FRAME: "set RF frame size (61 FF)",
}
COMMAND_NAMES_ZH = {
    RESET: "复位SAM(10 FF)",
    SAM_STATUS: "SAM状态检测(11 FF)",
    SAM_ID: "读SAM编号(12 FF)",
    FIND: "寻卡(20 01)",
    SELECT: "选卡(20 02)",
    READ_BASE: "读卡(30 01)",
    READ_NEW_ADDRESS: "读最新追加住址(30 03)",
    READ_WITH_FINGERPRINT: "读卡含指纹(30 10)",
    SET_RF_FRAME: "设置射频帧长(61 FF)",
}


def checksum(data: bytes) -> int:
    """XOR of LEN..the byte before CHK (the preamble is not included)."""
    return reduce(lambda a, b: a ^ b, data, 0)


def frame(payload: bytes) -> bytes:
    """A whole frame around CMD+PARA+DATA (request) or SW1+SW2+SW3+DATA (reply)."""
    length = len(payload) + 1
    if length > 0xFFFF:
        raise ValueError("payload too long for a SAM frame")
    body = struct.pack(">H", length) + payload
    return PREAMBLE + body + bytes([checksum(body)])


# --- requests ----------------------------------------------------------------------------------------


def request(cmd: int, para: int, data: bytes = b"") -> bytes:
    return frame(bytes([cmd, para]) + data)


def reset_sam() -> bytes:
    return request(*RESET)


def sam_status() -> bytes:
    return request(*SAM_STATUS)


def sam_id() -> bytes:
    return request(*SAM_ID)


def find_card() -> bytes:
    return request(*FIND)


def select_card() -> bytes:
    return request(*SELECT)


def read_base() -> bytes:
    return request(*READ_BASE)


def read_with_fingerprint() -> bytes:
    return request(*READ_WITH_FINGERPRINT)


def read_new_address() -> bytes:
    return request(*READ_NEW_ADDRESS)


def set_baud(baud: int) -> bytes:
    if baud not in BAUD_PARA:
        raise ValueError(f"the SAM supports {sorted(BAUD_PARA)} baud, not {baud}")
    return request(SET_BAUD, BAUD_PARA[baud])


def set_rf_frame_size(size: int) -> bytes:
    return request(*SET_RF_FRAME, bytes([size]))


def command_name(cmd: int, para: int) -> str:
    if cmd == SET_BAUD:
        return f"set baud (60 {para:02X})"
    return COMMAND_NAMES.get((cmd, para), f"command {cmd:02X} {para:02X}")


def command_name_zh(cmd: int, para: int) -> str:
    if cmd == SET_BAUD:
        return f"设置波特率(60 {para:02X})"
    return COMMAND_NAMES_ZH.get((cmd, para), f"命令 {cmd:02X} {para:02X}")


# --- frames and the streaming decoder ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame found in the byte stream: the payload between LEN and CHK, and whether CHK matched."""

    payload: bytes
    chk: int
    computed: int

    @property
    def ok(self) -> bool:
        return self.chk == self.computed

    def checked(self) -> bytes:
        if not self.ok:
            raise FrameChecksumError(self.computed, self.chk)
        return self.payload


def _partial_preamble(buf: bytearray) -> int:
    """How many trailing bytes may be the start of a preamble (sync bytes, maybe then 96)."""
    end = len(buf) - 1 if buf.endswith(b"\x96") else len(buf)
    run = 0
    while run < 3 and end - run > 0 and buf[end - run - 1] == SYNC:
        run += 1
    if end < len(buf) and run == 0:
        return 0
    return run + (len(buf) - end)


class FrameDecoder:
    """Feed bytes as they arrive, get whole frames. Resyncs on the next preamble after garbage.

    A frame whose checksum fails is still returned (its `ok` is False) so the caller can report it, and the
    search resumes one byte after its start in case the "preamble" was garbage.
    """

    def __init__(self, max_len: int = MAX_LEN) -> None:
        self.max_len = max_len
        self._buf = bytearray()
        self.skipped = 0  # bytes discarded as garbage since the last reset

    def reset(self) -> None:
        self._buf.clear()
        self.skipped = 0

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        out: list[Frame] = []
        buf = self._buf
        while True:
            at = buf.find(_LOCK)
            if at < 0:
                self._drop(len(buf) - _partial_preamble(buf))
                return out
            start = at
            while start > 0 and at - start < 2 and buf[start - 1] == SYNC:
                start -= 1
            self._drop(start)
            at -= start
            if len(buf) < at + 5:
                return out
            length = (buf[at + 3] << 8) | buf[at + 4]
            if not MIN_LEN <= length <= self.max_len:
                self._drop(at + 1)
                continue
            end = at + 5 + length
            if len(buf) < end:
                return out
            body = bytes(buf[at + 3 : end])
            found = Frame(payload=body[2:-1], chk=body[-1], computed=checksum(body[:-1]))
            out.append(found)
            if found.ok:
                del buf[:end]
            else:
                self._drop(at + 1)

    def _drop(self, n: int) -> None:
        if n > 0:
            self.skipped += n
            del self._buf[:n]


# --- requests and replies as values ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    cmd: int
    para: int
    data: bytes = b""

    @staticmethod
    def parse(payload: bytes) -> Request:
        if len(payload) < 2:
            raise FrameLengthError(f"request of {len(payload)} bytes, need CMD and PARA")
        return Request(payload[0], payload[1], payload[2:])


@dataclass(frozen=True, slots=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @staticmethod
    def parse(payload: bytes) -> Response:
        if len(payload) < 3:
            raise FrameLengthError(f"reply of {len(payload)} bytes, need SW1 SW2 SW3")
        return Response(payload[0], payload[1], payload[2], payload[3:])

    def expect(self, *ok: int) -> Response:
        """Self, when SW3 is one of `ok`; otherwise the typed error of the status byte."""
        if self.sw3 not in ok:
            raise SamStatusError.from_sw3(self.sw3)
        return self

    def encode(self) -> bytes:
        return frame(bytes([self.sw1, self.sw2, self.sw3]) + self.data)


# --- reply data --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadData:
    """The parts of a read reply, cut by its own length fields."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def split_read_data(data: bytes, with_fingerprint: bool) -> ReadData:
    """Cut the DATA of a 30 01 (two lengths) or 30 10 (three lengths) reply by its length fields (§5)."""
    n = 3 if with_fingerprint else 2
    if len(data) < 2 * n:
        raise FrameLengthError(f"read reply of {len(data)} data bytes has no length fields")
    lengths = struct.unpack(f">{n}H", data[: 2 * n])
    if len(data) != 2 * n + sum(lengths):
        raise FrameLengthError(
            f"read reply has {len(data) - 2 * n} data bytes, its length fields say {sum(lengths)}"
        )
    parts: list[bytes] = []
    at = 2 * n
    for size in lengths:
        parts.append(data[at : at + size])
        at += size
    return ReadData(*parts)


def parse_read_reply(data: bytes, with_fingerprint: bool = False) -> Card:
    """A typed card from the DATA of a successful 30 01 / 30 10 reply."""
    parts = split_read_data(data, with_fingerprint)
    if not parts.text:
        raise CardDataError("read reply carries no text block")
    return parse_text_block(parts.text, parts.photo, parts.fingerprint)


def parse_new_address(data: bytes) -> str:
    """The 30 03 reply: 70 bytes of UTF-16LE, space padded."""
    if len(data) != 70:
        # Shorter is not "no new address" (that is SW3 91): it is a reply that lost the address.
        raise CardDataError(f"new address reply has {len(data)} bytes, expected 70")
    try:
        return data.decode("utf-16-le").rstrip(" \x00")
    except UnicodeDecodeError:
        raise CardDataError("new address is not valid UTF-16") from None


def parse_sam_id(data: bytes) -> str:
    """The 12 FF reply as "AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE" (§6; zero padding 2/2/8/10/10)."""
    if len(data) != 16:
        raise FrameLengthError(f"SAM id reply has {len(data)} data bytes, expected 16")
    a, b, c, d, e = struct.unpack("<HHIII", data)
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def encode_sam_id(a: int, b: int, c: int, d: int, e: int) -> bytes:
    return struct.pack("<HHIII", a, b, c, d, e)
