"""The kiosk's two looks, standard and elder mode (长辈模式), as plain data: sizes and colours.

Design §6: standard mode text >= 24 px, touch targets >= 60 px, contrast >= 4.5:1; elder mode text >= 32 px,
buttons >= 80 px, contrast >= 7:1 — at 1080×1920 / 1920×1080. The QML reads these through the `Theme`
singleton (kiosk/ui/style.py); the screen tests measure the live item tree against `Mode.min_text_px`,
`Mode.min_target_px` and `Mode.min_contrast`, so a token below its floor fails there, not here.
Colour is never the only cue: the ticket colours keep their letter, symbol and name (queue_display.theme).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from queue_display.theme import COLOURS, FONT_FAMILIES, contrast

__all__ = ["ELDER", "STANDARD", "Mode", "contrast", "mode"]


@dataclass(frozen=True, slots=True)
class Mode:
    name: str
    # The floors this mode promises (design §6); the tests hold every screen to them.
    min_text_px: int
    min_target_px: int
    min_contrast: float
    # Sizes the screens use.
    small_px: int  # the smallest text on any screen: hints, the countdown
    body_px: int
    title_px: int
    huge_px: int  # the ticket number
    button_px: int  # height of an ordinary button
    tile_px: int  # preferred height of a category / matter tile
    icon_px: int
    margin: int
    spacing: int
    # Colours.
    background: str
    surface: str
    text: str
    text_muted: str
    accent: str
    button: str
    button_down: str
    button_border: str
    primary: str
    on_primary: str
    warn_fill: str
    error_fill: str
    overlay: str

    def qml(self) -> dict[str, object]:
        return asdict(self)


STANDARD = Mode(
    name="standard",
    min_text_px=24,
    min_target_px=60,
    min_contrast=4.5,
    small_px=24,
    body_px=28,
    title_px=44,
    huge_px=150,
    button_px=72,
    tile_px=150,
    icon_px=56,
    margin=32,
    spacing=20,
    background="#0b1622",
    surface="#15263a",
    text="#ffffff",
    text_muted="#c9d6e3",
    accent="#ffd54a",
    button="#24476e",
    button_down="#1a3555",
    button_border="#6f93bd",
    primary="#ffd54a",
    on_primary="#1a1400",
    warn_fill="#6b4e00",
    error_fill="#7a1010",
    overlay="#0b1622",
)

# Elder mode: bigger everything and a darker ground, so every pair clears 7:1.
ELDER = Mode(
    name="elder",
    min_text_px=32,
    min_target_px=80,
    min_contrast=7.0,
    small_px=32,
    body_px=38,
    title_px=56,
    huge_px=190,
    button_px=100,
    tile_px=170,
    icon_px=72,
    margin=36,
    spacing=24,
    background="#000000",
    surface="#0f1d2c",
    text="#ffffff",
    text_muted="#e3ebf3",
    accent="#ffe066",
    button="#14304f",
    button_down="#0c2038",
    button_border="#a8c4e4",
    primary="#ffe066",
    on_primary="#000000",
    warn_fill="#4d3800",
    error_fill="#5c0b0b",
    overlay="#000000",
)


def mode(elder: bool) -> Mode:
    return ELDER if elder else STANDARD


def ticket_colours() -> dict[str, dict[str, str]]:
    """The ticket colours with their non-colour cues (letter, symbol, name), shared with the call board."""
    return {
        k: {"fill": c.fill, "onFill": c.on_fill, "symbol": c.symbol, "prefix": c.prefix}
        for k, c in COLOURS.items()
    }


FONTS = FONT_FAMILIES
