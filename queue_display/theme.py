"""Colours and fonts shared by the call board, counter terminal and rating pad.

Colour is never the only cue (design §3): every colour comes with its prefix letter, a symbol and a name.
Text colours are chosen for contrast >= 7:1 on their backgrounds (checked in tests/test_theme.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# With only fonts-noto-cjk, Qt falls back to Noto Sans CJK JP (Japanese glyph forms): name SC first.
FONT_FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans", "DejaVu Sans", "sans-serif"]


@dataclass(frozen=True, slots=True)
class ColourStyle:
    key: str
    prefix: str
    symbol: str
    name_zh: str
    name_en: str
    fill: str  # badge background
    on_fill: str  # text on the badge


COLOURS = {
    "green": ColourStyle("green", "G", "●", "绿色通道", "Priority", "#0a5c2b", "#ffffff"),
    "yellow": ColourStyle("yellow", "Y", "▲", "黄色优先", "Business", "#f2c200", "#1a1400"),
    "blue": ColourStyle("blue", "B", "■", "蓝色常规", "Regular", "#0b3d91", "#ffffff"),
}

BACKGROUND = "#0b1622"
SURFACE = "#15263a"
TEXT = "#ffffff"
TEXT_MUTED = "#c9d6e3"
ACCENT = "#ffd54a"
ERROR_FILL = "#7a1010"


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def lum(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def qml_theme() -> dict[str, object]:
    """The theme as a plain dict for a QML context property."""
    return {
        "fonts": FONT_FAMILIES,
        "background": BACKGROUND,
        "surface": SURFACE,
        "text": TEXT,
        "textMuted": TEXT_MUTED,
        "accent": ACCENT,
        "errorFill": ERROR_FILL,
        "colours": {k: asdict(v) for k, v in COLOURS.items()},
    }
