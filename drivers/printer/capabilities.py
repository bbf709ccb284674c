"""What a printer can do, as data: our two paper profiles, python-escpos's model profiles, and what
Chinese printers differ in.

The layout only reads these fields, so a new printer model is a profile or a few settings, never a
code change. python-escpos's capabilities database (35 models) knows widths, native QR and cutters;
it knows nothing of Chinese (no GB18030 or GBK code page in any profile), so the encoding stays ours.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from drivers.printer.commands import DOT_COLS

QrMode = Literal["native", "raster"]
Encoding = Literal["gb18030", "gbk"]


@dataclass(frozen=True, slots=True)
class Capabilities:
    name: str
    width_dots: int  # printable width: 576 on 80 mm paper, 384 on 58 mm, at 203 dpi
    qr: QrMode  # native: GS ( k, the printer draws it; raster: we send the bitmap (GS v 0)
    encoding: Encoding  # gb18030 (4-byte capable) or gbk (older firmware: rare characters become "?")
    cutter: bool  # no cutter: feed enough to tear off instead
    qr_module: int  # dots per QR module; 5-6 keeps a status-page URL scannable from a phone
    big_number_max: int  # largest GS ! multiplier for the ticket number (8 is the command's limit)
    model: str = "default"  # the python-escpos profile the job writer is built on

    @property
    def cols(self) -> int:
        """Half-width (ASCII) columns of font A on the paper."""
        return self.width_dots // DOT_COLS

    def __post_init__(self) -> None:
        if self.width_dots < 8 * DOT_COLS or self.width_dots % 8:
            raise ValueError(f"width_dots must be a multiple of 8 and at least 96, got {self.width_dots}")
        if self.qr not in ("native", "raster"):
            raise ValueError(f"qr must be native or raster, got {self.qr!r}")
        if self.encoding not in ("gb18030", "gbk"):
            raise ValueError(f"encoding must be gb18030 or gbk, got {self.encoding!r}")
        if not 1 <= self.qr_module <= 16 or not 1 <= self.big_number_max <= 8:
            raise ValueError("qr_module must be 1..16 and big_number_max 1..8")

    def with_overrides(self, **fields: object) -> Capabilities:
        return replace(self, **fields)  # type: ignore[arg-type]


PROFILES: dict[str, Capabilities] = {
    # The common 80 mm kiosk/POS printer (Epson TM-T88/T20 class, Xprinter XP-80, Sewoo...).
    "80mm": Capabilities("80mm", 576, "native", "gb18030", True, 6, 8),
    # 58 mm units (POS-5890 class): narrower; many lack a cutter or native QR, set those in settings.
    "58mm": Capabilities("58mm", 384, "native", "gb18030", True, 5, 8),
}


def from_model(model: str, base: Capabilities) -> Capabilities:
    """`base` with the width, QR mode and cutter of python-escpos's profile for `model` (e.g. "TM-T20II").

    A width the profile leaves unknown stays the base's (the paper setting). ValueError names the
    problem: an unknown model, or one that can print neither a native nor a raster QR code.
    """
    # Imported here: the preview and the simulator read PROFILES and need no python-escpos.
    from drivers.printer.escpos_import import CAPABILITIES

    profiles = CAPABILITIES["profiles"]
    if model not in profiles:
        raise ValueError(
            f"model {model!r} is not a python-escpos profile; known: {', '.join(sorted(profiles))}"
        )
    data = profiles[model]
    features = data.get("features", {})
    if features.get("qrCode"):
        qr: QrMode = "native"
    elif features.get("bitImageRaster"):
        qr = "raster"
    else:
        raise ValueError(f"model {model!r} can print neither a native QR code nor a raster image")
    pixels = data.get("media", {}).get("width", {}).get("pixels")
    width = pixels - pixels % 8 if isinstance(pixels, int) else base.width_dots  # GS v 0 works in bytes
    narrow = width <= PROFILES["58mm"].width_dots
    return base.with_overrides(
        name=model,
        model=model,
        width_dots=width,
        qr=qr,
        cutter=bool(features.get("paperFullCut") or features.get("paperPartCut")),
        qr_module=PROFILES["58mm" if narrow else "80mm"].qr_module,
    )
