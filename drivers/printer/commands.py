"""The ESC/POS command language, both ways: `JobBuilder` writes jobs, `parse` reads byte streams back.

Everything that knows a command byte lives here, so the layout, the driver, the simulator and the
preview cannot disagree about what a sequence means. Commands follow the Epson ESC/POS reference;
Chinese text uses the Chinese-character mode (FS & ... FS .) that GB18030/GBK printers implement,
because python-escpos's magic encoder sends raw GB18030 without it (stack research §4).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

DLE, ESC, FS, GS, LF = 0x10, 0x1B, 0x1C, 0x1D, 0x0A

INIT = b"\x1b@"
CN_ON = b"\x1c&"  # FS & : Chinese-character mode on
CN_OFF = b"\x1c."  # FS . : back to single-byte mode
DOT_COLS = 12  # font A is 12x24 dots: one half-width column is 12 dots wide
DOT_ROWS = 24

# QR error-correction levels as GS ( k fn 69 wants them.
QR_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}
QR_EC_NAMES = {v: k for k, v in QR_EC.items()}


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


def dle_eot(n: int) -> bytes:
    """Real-time status query: the printer answers one byte at once, even while offline."""
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n must be 1..4, got {n}")
    return bytes((DLE, 0x04, n))


@functools.lru_cache(maxsize=8192)
def encode_char(ch: str, encoding: str) -> bytes:
    """One character as the printer gets it in Chinese mode.

    A non-ASCII character the encoding cannot hold, or holds in one byte (GBK's 0x80 euro, which a
    Chinese-mode printer would take as half of a pair), becomes "?" so every byte stays predictable.
    """
    if ch.isascii():
        return ch.encode("ascii")
    try:
        raw = ch.encode(encoding)
    except UnicodeEncodeError:
        return b"?"
    return raw if len(raw) >= 2 else b"?"


def char_cols(ch: str, encoding: str) -> int:
    """Half-width columns one character takes: a printer prints every multi-byte character full width."""
    return 1 if len(encode_char(ch, encoding)) == 1 else 2


class JobBuilder:
    """Appends ESC/POS commands to a byte buffer; no I/O."""

    def __init__(self, encoding: str = "gb18030") -> None:
        if encoding not in ("gb18030", "gbk"):
            raise ValueError(f"encoding must be gb18030 or gbk, got {encoding!r}")
        self.encoding = encoding
        self._buf = bytearray()

    def getvalue(self) -> bytes:
        return bytes(self._buf)

    def raw(self, data: bytes) -> JobBuilder:
        self._buf += data
        return self

    def init(self) -> JobBuilder:
        return self.raw(INIT)

    def align(self, align: Align) -> JobBuilder:
        return self.raw(bytes((ESC, 0x61, int(align))))

    def bold(self, on: bool) -> JobBuilder:
        return self.raw(bytes((ESC, 0x45, 1 if on else 0)))

    def size(self, width: int, height: int) -> JobBuilder:
        """GS ! scales single- and double-byte characters alike (ESC ! would leave Chinese small)."""
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise ValueError(f"character size must be 1..8, got {width}x{height}")
        return self.raw(bytes((GS, 0x21, (width - 1) << 4 | (height - 1))))

    def text(self, text: str) -> JobBuilder:
        """Text without a line feed; anything not ASCII goes inside FS & ... FS . in the job's encoding."""
        if text.isascii():
            return self.raw(text.encode("ascii"))
        return self.raw(CN_ON + b"".join(encode_char(c, self.encoding) for c in text) + CN_OFF)

    def line(self, text: str = "") -> JobBuilder:
        return self.text(text).raw(b"\n")

    def feed_lines(self, n: int) -> JobBuilder:
        return self.raw(bytes((ESC, 0x64, _byte(n))))

    def feed_dots(self, n: int) -> JobBuilder:
        return self.raw(bytes((ESC, 0x4A, _byte(n))))

    def qr_native(self, payload: str, module: int, ec: str = "M") -> JobBuilder:
        """The printer draws the QR itself (GS ( k, model 2): a few dozen bytes instead of a bitmap."""
        data = payload.encode("ascii")
        if not 1 <= module <= 16:
            raise ValueError(f"QR module size must be 1..16 dots, got {module}")
        self._gs_k(65, b"\x32\x00")  # model 2
        self._gs_k(67, bytes((module,)))
        self._gs_k(69, bytes((QR_EC[ec],)))
        self._gs_k(80, b"\x30" + data)  # store
        return self._gs_k(81, b"\x30")  # print

    def _gs_k(self, fn: int, params: bytes) -> JobBuilder:
        size = len(params) + 2  # cn and fn count towards pL pH
        return self.raw(bytes((GS, 0x28, 0x6B, size & 0xFF, size >> 8, 49, fn)) + params)

    def raster(self, rows: Sequence[Sequence[bool]]) -> JobBuilder:
        """GS v 0 bit image; rows of equal length, True = black dot."""
        height = len(rows)
        width = len(rows[0]) if rows else 0
        wbytes = (width + 7) // 8
        if not (0 < wbytes <= 0xFFFF and 0 < height <= 0xFFFF):
            raise ValueError("raster image is empty or too large")
        data = bytearray()
        for row in rows:
            packed = bytearray(wbytes)
            for x, dot in enumerate(row):
                if dot:
                    packed[x >> 3] |= 0x80 >> (x & 7)
            data += packed
        header = bytes((GS, 0x76, 0x30, 0, wbytes & 0xFF, wbytes >> 8, height & 0xFF, height >> 8))
        return self.raw(header + data)

    def cut(self) -> JobBuilder:
        """GS V 65 0: feed to the cutter and cut, so the last line is not cut through."""
        return self.raw(bytes((GS, 0x56, 65, 0)))


def _byte(n: int) -> int:
    if not 0 <= n <= 255:
        raise ValueError(f"parameter must be 0..255, got {n}")
    return n


# ---------------------------------------------------------------------------------------------
# Reading a stream back.
# ---------------------------------------------------------------------------------------------

REALTIME = frozenset({"dle_eot", "dle_enq"})
PRINTING = frozenset({"text", "lf", "qr", "raster", "feed_lines", "feed_dots", "cut"})

# Two-byte prefix -> (name, total length) for the fixed-length commands we send or may meet.
_FIXED: dict[bytes, tuple[str, int]] = {
    b"\x1b@": ("init", 2),
    b"\x1ba": ("align", 3),
    b"\x1bE": ("bold", 3),
    b"\x1bG": ("double_strike", 3),
    b"\x1b!": ("print_mode", 3),
    b"\x1b-": ("underline", 3),
    b"\x1bM": ("font", 3),
    b"\x1bd": ("feed_lines", 3),
    b"\x1bJ": ("feed_dots", 3),
    b"\x1bt": ("codepage", 3),
    b"\x1b2": ("default_spacing", 2),
    b"\x1b3": ("line_spacing", 3),
    b"\x1d!": ("size", 3),
    b"\x1c&": ("cn_on", 2),
    b"\x1c.": ("cn_off", 2),
    b"\x1c!": ("cn_mode", 3),
    b"\x10\x04": ("dle_eot", 3),
    b"\x10\x05": ("dle_enq", 3),
}


class ParseError(ValueError):
    """The stream holds a command this module does not know, or ends inside one."""


@dataclass(frozen=True, slots=True)
class Token:
    name: str
    raw: bytes  # the exact bytes, so a stream can be re-assembled or stored as received

    @property
    def arg(self) -> int:
        """The one-byte parameter of a fixed command (align, size, DLE EOT n...)."""
        return self.raw[2] if len(self.raw) > 2 else 0

    @property
    def qr_fn(self) -> int:
        return self.raw[6]

    @property
    def qr_params(self) -> bytes:
        return self.raw[7:]

    @property
    def raster_size(self) -> tuple[int, int]:
        """(width in bytes, height in dots) of a GS v 0 image."""
        return self.raw[4] | self.raw[5] << 8, self.raw[6] | self.raw[7] << 8

    @property
    def raster_data(self) -> bytes:
        return self.raw[8:]


def _length(buf: bytes, i: int) -> tuple[str, int] | None:
    """Name and length of the command at buf[i], None if more bytes are needed to tell."""
    head = buf[i : i + 2]
    if len(head) < 2:
        return None
    if head in _FIXED:
        return _FIXED[head]
    if head == b"\x1dV":  # GS V m [n]
        if len(buf) < i + 3:
            return None
        m = buf[i + 2]
        if m in (0, 1, 48, 49):
            return "cut", 3
        if m in (65, 66, 97, 98, 103, 104):
            return "cut", 4
        raise ParseError(f"GS V with unknown mode {m} at byte {i}")
    if head == b"\x1d(":  # GS ( k pL pH cn fn ...
        if len(buf) < i + 7:
            return None
        if buf[i + 2] != 0x6B:
            raise ParseError(f"GS ( {buf[i + 2]:#04x} is not supported (byte {i})")
        name = "qr" if buf[i + 5] == 49 else "code2d"
        return name, 5 + (buf[i + 3] | buf[i + 4] << 8)
    if head == b"\x1dv":  # GS v 0 m xL xH yL yH data
        if len(buf) < i + 8:
            return None
        wbytes, height = buf[i + 4] | buf[i + 5] << 8, buf[i + 6] | buf[i + 7] << 8
        return "raster", 8 + wbytes * height
    raise ParseError(f"unknown command {head.hex(' ')} at byte {i}")


def parse(buf: bytes, *, final: bool = True, strict: bool = True) -> tuple[list[Token], int]:
    """Split a byte stream into tokens; returns them and how many bytes they cover.

    With final=False an incomplete command at the end is left for the next call (a stream read in
    chunks); with strict=False an unknown byte becomes an "unknown" token, as a printer skips it.
    """
    tokens: list[Token] = []
    i, n = 0, len(buf)
    while i < n:
        b = buf[i]
        if b >= 0x20:
            j = i
            while j < n and buf[j] >= 0x20:
                j += 1
            tokens.append(Token("text", bytes(buf[i:j])))
            i = j
            continue
        if b in (LF, 0x0D, 0x09):
            tokens.append(Token({LF: "lf", 0x0D: "cr", 0x09: "ht"}[b], bytes((b,))))
            i += 1
            continue
        try:
            found = _length(buf, i)
        except ParseError:
            if strict:
                raise
            tokens.append(Token("unknown", bytes((b,))))
            i += 1
            continue
        if found is None or i + found[1] > n:
            if final and strict:
                raise ParseError(f"stream ends inside a command at byte {i}")
            if final:
                tokens.append(Token("unknown", bytes(buf[i:])))
                i = n
            break
        name, length = found
        tokens.append(Token(name, bytes(buf[i : i + length])))
        i += length
    return tokens, i
