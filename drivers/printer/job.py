"""The ESC/POS job writer: python-escpos's `Escpos` collecting bytes (like its `Dummy`), with no I/O.

The library writes the commands it gets right, byte for byte what the Epson reference says: ESC @,
ESC a, ESC E, GS ! (custom size, which scales Chinese too), ESC d, GS ( k model-2 QR, GS v 0 images.
Two it gets wrong for this hall are ours:

* text: `Escpos.text()` (its MagicEncode) sends a string holding any CJK ideograph as raw GB18030
  without FS & ... FS ., turns CJK punctuation on its own into "?", and puts ESC t before the first
  ASCII text. A printer that powers up in single-byte mode prints such bytes as code-page junk. Here
  every non-ASCII run goes inside FS & ... FS . in the profile's encoding, one character at a time, so
  a character the encoding cannot hold is one "?" and never shifts the rest.
* cut: `Escpos.cut()` sends ESC d 6 then GS V 0, a full cut wherever the paper is: six blank lines
  (about 25 mm) on every ticket, and on a unit whose cutter sits further from the head the last line is
  cut through. GS V 65 0 (function B) makes the printer feed to its own cutting position, then cut.

A job is built completely before the driver opens the printer, so bad data fails before any I/O and a
printer that cannot print receives nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from PIL import Image

from drivers.printer.commands import CN_OFF, CN_ON, GS, Align, encode_char
from drivers.printer.escpos_import import Escpos, Profile, constants, get_profile

__all__ = ["ENCODINGS", "JobBuilder", "escpos_profile"]

ENCODINGS = ("gb18030", "gbk")
_ALIGN = {Align.LEFT: "left", Align.CENTER: "center", Align.RIGHT: "right"}
_QR_EC = {
    "L": constants.QR_ECLEVEL_L,
    "M": constants.QR_ECLEVEL_M,
    "Q": constants.QR_ECLEVEL_Q,
    "H": constants.QR_ECLEVEL_H,
}


def escpos_profile(model: str, width_dots: int) -> Profile:
    """The library's profile for `model`, with our paper width.

    A private copy of its data: the library writes into a profile's dict (`_dpi()` caches the dpi
    there), and the dict is shared by every printer object of that model. The width matters to
    `Escpos.image()`, which otherwise prints a warning to stdout and cannot refuse an image that is
    too wide for the paper.
    """
    data: dict[str, Any] = copy.deepcopy(get_profile(model).profile_data)  # KeyError: no such model
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = width_dots
    # `Escpos` takes a ready profile object only if it is a `Profile`; it reads the rest from the data.
    profile = Profile()
    profile.profile_data = data
    profile.features = data.get("features", {})
    return profile


class JobBuilder(Escpos):
    """Collects one job's bytes. The helpers return self so a layout reads as a sequence of commands."""

    def __init__(self, encoding: str = "gb18030", *, width_dots: int = 576, model: str = "default") -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be gb18030 or gbk, got {encoding!r}")
        super().__init__(profile=escpos_profile(model, width_dots))
        self.encoding = encoding
        self._buf = bytearray()

    def _raw(self, msg: bytes) -> None:
        self._buf += msg

    def getvalue(self) -> bytes:
        return bytes(self._buf)

    def raw(self, data: bytes) -> JobBuilder:
        self._raw(data)
        return self

    # -- from the library -------------------------------------------------------------------------

    def init(self) -> JobBuilder:
        self.hw("INIT")
        return self

    def align(self, align: Align) -> JobBuilder:
        self.set(align=_ALIGN[align])
        return self

    def bold(self, on: bool) -> JobBuilder:
        self.set(bold=on)
        return self

    def size(self, width: int, height: int) -> JobBuilder:
        """GS ! scales single- and double-byte characters alike (ESC !, the library's double_*, would not)."""
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise ValueError(f"character size must be 1..8, got {width}x{height}")
        self.set(custom_size=True, width=width, height=height)
        return self

    def feed_lines(self, n: int) -> JobBuilder:
        self.print_and_feed(n)  # ValueError outside 0..255
        return self

    def qr_native(self, payload: str, module: int, ec: str = "M") -> JobBuilder:
        """The printer draws the QR itself (GS ( k, model 2): a few dozen bytes instead of a bitmap."""
        if not payload or not payload.isascii():
            # The library would print nothing for "" and send UTF-8 that printers read as Latin-1.
            raise ValueError("QR payload must be non-empty ASCII (a URL)")
        if not 1 <= module <= 16:
            raise ValueError(f"QR module size must be 1..16 dots, got {module}")
        self.qr(payload, ec=_QR_EC[ec], size=module, model=constants.QR_MODEL_2, native=True)
        return self

    def raster(self, rows: Sequence[Sequence[bool]]) -> JobBuilder:
        """GS v 0 bit image; rows of equal length, True = black dot."""
        height = len(rows)
        width = len(rows[0]) if rows else 0
        if not (0 < width <= 8 * 0xFFFF and 0 < height <= 0xFFFF):
            raise ValueError("raster image is empty or too large")
        image = Image.new("1", (width, height), 255)  # white paper
        image.putdata([0 if dot else 255 for row in rows for dot in row])
        self.image(image, impl="bitImageRaster")
        return self

    # -- ours -------------------------------------------------------------------------------------

    def text(self, txt: str) -> None:
        """Text without a line feed; anything not ASCII goes inside FS & ... FS . in the job's encoding.

        Overrides the library's MagicEncode (see the module doc), so its textln() and ln() use it too;
        their line feeds stay outside Chinese mode, where the printer takes them as commands.
        """
        self._raw(b"\n".join(_encode(part, self.encoding) for part in txt.split("\n")))

    def line(self, text: str = "") -> JobBuilder:
        self.text(text)
        self._raw(b"\n")
        return self

    def cut(self, mode: str = "FULL", feed: bool = True) -> None:
        """GS V function B (65 full, 66 partial): feed to the cutter, then cut; function A without feed."""
        mode = mode.upper()
        if mode not in ("FULL", "PART"):
            raise ValueError("mode must be FULL or PART")
        if feed:
            self._raw(bytes((GS, 0x56, 65 if mode == "FULL" else 66, 0)))
        else:
            self._raw(bytes((GS, 0x56, 0 if mode == "FULL" else 1)))


def _encode(text: str, encoding: str) -> bytes:
    if text.isascii():
        return text.encode("ascii")
    return CN_ON + b"".join(encode_char(c, encoding) for c in text) + CN_OFF
