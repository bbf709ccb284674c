"""The ESC/POS command language as bytes: the codes, GB18030 character encoding, and `parse`.

Jobs are written by `job.JobBuilder` (python-escpos's `Escpos`); this module reads them back, for the
simulator, the preview and the tests, and holds what both sides share (FS & / FS ., DLE EOT, the QR
error-correction codes), so writer and reader cannot disagree. It needs no python-escpos, so the
simulator (a stand-in for a printer) does not import it. Commands follow the Epson ESC/POS reference;
Chinese text uses the Chinese-character mode (FS & ... FS .) that GB18030/GBK printers implement.
"""

from __future__ import annotations

import functools
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
