"""US keyboard layout: Linux key codes (linux/input-event-codes.h) to characters and back.

Pure. A keyboard-wedge scanner "types" its code as key presses; every printable ASCII character is one
key, with or without shift, on the US layout scanners default to. Keypad keys are understood when
decoding (some scanners type digits on the keypad) but never produced.
"""

from __future__ import annotations

KEY_TAB = 15
KEY_ENTER = 28
KEY_LEFTCTRL = 29
KEY_LEFTSHIFT = 42
KEY_RIGHTSHIFT = 54
KEY_LEFTALT = 56
KEY_CAPSLOCK = 58
KEY_F1 = 59
KEY_NUMLOCK = 69
KEY_KPENTER = 96
KEY_RIGHTCTRL = 97
KEY_RIGHTALT = 100
KEY_LEFTMETA = 125
KEY_RIGHTMETA = 126

SHIFTS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
# Held with a key, these make it a shortcut, not a character.
CHORDS = frozenset({KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT, KEY_LEFTMETA, KEY_RIGHTMETA})
ENTERS = frozenset({KEY_ENTER, KEY_KPENTER})
MODIFIERS = SHIFTS | CHORDS
MODIFIER_NAMES = {
    KEY_LEFTSHIFT: "left Shift",
    KEY_RIGHTSHIFT: "right Shift",
    KEY_LEFTCTRL: "left Ctrl",
    KEY_RIGHTCTRL: "right Ctrl",
    KEY_LEFTALT: "left Alt",
    KEY_RIGHTALT: "right Alt",
    KEY_LEFTMETA: "left Meta",
    KEY_RIGHTMETA: "right Meta",
}

# (first key code, unshifted characters, shifted characters) for each run of adjacent keys.
_RUNS = (
    (2, "1234567890-=", "!@#$%^&*()_+"),
    (16, "qwertyuiop[]", "QWERTYUIOP{}"),
    (30, "asdfghjkl;'`", 'ASDFGHJKL:"~'),
    (43, "\\zxcvbnm,./", "|ZXCVBNM<>?"),
    (57, " ", " "),
)
KEYS: dict[int, tuple[str, str]] = {
    code + i: (plain[i], shifted[i]) for code, plain, shifted in _RUNS for i in range(len(plain))
}
KEYPAD: dict[int, str] = {
    55: "*",
    71: "7",
    72: "8",
    73: "9",
    74: "-",
    75: "4",
    76: "5",
    77: "6",
    78: "+",
    79: "1",
    80: "2",
    81: "3",
    82: "0",
    83: ".",
    98: "/",
}

_STROKES: dict[str, tuple[int, bool]] = {}
for _code, (_plain, _shifted) in KEYS.items():
    _STROKES.setdefault(_plain, (_code, False))
    _STROKES.setdefault(_shifted, (_code, True))

PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def char_for(code: int, shift: bool = False, caps_lock: bool = False) -> str | None:
    """The character a key types, or None for a key that types none (F1, arrows, …)."""
    if code in KEYPAD:
        return KEYPAD[code]
    pair = KEYS.get(code)
    if pair is None:
        return None
    plain, shifted = pair
    if plain.isalpha():
        shift = shift != caps_lock  # caps lock inverts shift for letters only
    return shifted if shift else plain


def keystroke_for(char: str) -> tuple[int, bool]:
    """(key code, shift) that types `char`; ValueError if the US layout cannot type it."""
    try:
        return _STROKES[char]
    except KeyError:
        raise ValueError(f"{char!r} cannot be typed on a US keyboard") from None
