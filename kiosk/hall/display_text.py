"""Text that ends up on call boards, counter terminals and LED displays: printable characters only.

A NUL cuts the string short in C drivers and LED firmware; bidi controls (U+202E and kin) reverse what a
board shows, so a window named "1 U+202E 2" reads as another window. Control, format (bidi, zero-width),
surrogate, private-use and unassigned code points, and line or paragraph separators, are refused.
"""

from __future__ import annotations

import unicodedata

_REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def unsafe_characters(text: str) -> list[str]:
    """The refused code points of `text`, as U+XXXX, in order of first appearance."""
    seen: dict[str, None] = {}
    for ch in text:
        if unicodedata.category(ch) in _REFUSED:
            seen.setdefault(f"U+{ord(ch):04X}", None)
    return list(seen)


def check_display_text(text: str) -> str:
    """`text` if a board can show it as is; ValueError naming the offending characters otherwise."""
    bad = unsafe_characters(text)
    if bad:
        raise ValueError(f"contains characters a display cannot show safely: {', '.join(bad[:5])}")
    if not text.strip():
        raise ValueError("must contain a visible character")
    return text
