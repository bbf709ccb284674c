"""Colours of the counter terminal and the rating pad on top of the shared theme.

Every text/fill pair here is checked in the tests: >= 4.5:1 for the staff terminal (design §6 standard
mode) and >= 7:1 for what the rating pad shows residents (elder-friendly).
"""

from __future__ import annotations

from queue_display.theme import ACCENT, BACKGROUND, ERROR_FILL, SURFACE, TEXT, TEXT_MUTED, qml_theme

EXTRA = {
    "button": "#24476e",
    "buttonDown": "#1a3555",
    "buttonBorder": "#6f93bd",
    "primary": ACCENT,
    "onPrimary": "#1a1400",
    "disabledFill": "#1a2533",
    "disabledText": "#9aa8b6",
    "okFill": "#0f4d2a",
    "infoFill": "#1f3a5a",
    "warnFill": "#6b4e00",
    "greenNote": "#7ee2a0",
    # The rating pad: darker buttons, so the yellow stars keep 7:1 too.
    "padButton": "#1a3555",
    "padButtonDown": "#10243b",
}

# (text, fill) pairs as the screens use them, for the contrast tests.
PAIRS = [
    (TEXT, BACKGROUND),
    (TEXT, SURFACE),
    (TEXT_MUTED, BACKGROUND),
    (TEXT_MUTED, SURFACE),
    (ACCENT, BACKGROUND),
    (ACCENT, SURFACE),
    (TEXT, EXTRA["button"]),
    (TEXT, EXTRA["buttonDown"]),
    (EXTRA["onPrimary"], EXTRA["primary"]),
    (TEXT, EXTRA["okFill"]),
    (TEXT, EXTRA["infoFill"]),
    (TEXT, EXTRA["warnFill"]),
    (TEXT, ERROR_FILL),
    (EXTRA["greenNote"], SURFACE),
]
# What the rating pad shows residents: elder-friendly, >= 7:1.
PAD_PAIRS = [
    (TEXT, BACKGROUND),
    (TEXT_MUTED, BACKGROUND),
    (ACCENT, BACKGROUND),
    (TEXT, EXTRA["padButton"]),
    (TEXT, EXTRA["padButtonDown"]),
    (ACCENT, EXTRA["padButton"]),
    (EXTRA["onPrimary"], EXTRA["primary"]),
    (BACKGROUND, TEXT),  # a chosen reason: dark text on white
]
# Disabled controls are exempt from WCAG 1.4.3 but staff still read them: keep them legible.
DISABLED_PAIRS = [(EXTRA["disabledText"], EXTRA["disabledFill"])]


def palette() -> dict[str, object]:
    return {**qml_theme(), **EXTRA}
