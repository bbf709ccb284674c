"""Serial scanners send one code per line: split the byte stream into lines and clean each one up.

Pure: the splitter is fed bytes with the time they arrived; a fragment left unterminated for `idle_s`
is noise (a half-sent code, a glitch on plug-in) and is dropped, so it can never glue itself to the
front of the next code. With suffix `none` (a scanner programmed to send no terminator) that idle gap
is what ends a code.
"""

from __future__ import annotations

import re
import unicodedata

SUFFIXES = ("auto", "CR", "LF", "CRLF", "none")
_TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}
_ANY_EOL = re.compile(rb"\r\n|\r|\n")

# AIM symbology identifiers (ISO/IEC 15424): "]" + code character + modifier, e.g. "]Q1" for QR Code.
AIM_SYMBOLOGIES = {
    "Q": "qr",
    "d": "datamatrix",
    "z": "aztec",
    "L": "pdf417",
    "C": "code128",
    "A": "code39",
    "G": "code93",
    "E": "ean-upc",
    "e": "gs1-databar",
    "I": "itf",
    "F": "codabar",
}
_AIM = re.compile(r"\]([A-Za-z])([0-9A-Za-z])")
_ALLOWED_CONTROLS = {"\t", "\x1d"}  # tab, and GS which GS1 codes use as a field separator


class LineSplitter:
    def __init__(self, suffix: str = "auto", idle_s: float = 0.3, max_len: int = 4096) -> None:
        if suffix not in SUFFIXES:
            raise ValueError(f"suffix must be one of {', '.join(SUFFIXES)}, got {suffix!r}")
        self.suffix = suffix
        self.idle_s = idle_s
        self.max_len = max_len
        self.discarded = 0  # fragments dropped as noise
        self._buf = b""
        self._last = 0.0

    def feed(self, data: bytes, now: float) -> list[bytes]:
        """Complete lines (without terminator, never empty) that `data`, arrived at `now`, finishes."""
        out = self.poll(now)
        if not data:
            return out
        self._buf += data
        self._last = now
        if self.suffix == "auto":
            *lines, self._buf = _ANY_EOL.split(self._buf)
        elif self.suffix == "none":
            lines = []
        else:
            *lines, self._buf = self._buf.split(_TERMINATORS[self.suffix])
        out += [line for line in lines if line]
        if len(self._buf) > self.max_len:
            self._drop()
        return out

    def poll(self, now: float) -> list[bytes]:
        """Deal with a fragment that has waited `idle_s`: a code (suffix none) or noise (otherwise)."""
        if not self._buf or now - self._last < self.idle_s:
            return []
        if self.suffix == "none":
            line, self._buf = self._buf, b""
            return [line]
        self._drop()
        return []

    def reset(self) -> None:
        """The device went away: whatever half line there was will never be finished."""
        if self._buf:
            self._drop()

    def _drop(self) -> None:
        self._buf = b""
        self.discarded += 1


def parse_line(raw: bytes, prefix: str = "", aim: bool = True) -> tuple[str, str | None] | None:
    """(text, symbology) of one line, or None if it is not a code (not UTF-8, control bytes, empty)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = text.strip("\r\n")
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    symbology = None
    m = _AIM.match(text) if aim else None
    if m:
        symbology = AIM_SYMBOLOGIES.get(m.group(1), f"aim:{m.group(0)}")
        text = text[m.end() :]
    if not text or any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text):
        return None
    return text, symbology
