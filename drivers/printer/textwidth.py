"""How wide text is on the paper, and wrapping it to a number of columns.

Widths come from the encoded bytes (see commands.char_cols), not from Unicode's East Asian Width: a
Chinese-mode printer prints "●" or "é" full width because GB18030 gives them two bytes.
"""

from __future__ import annotations

import unicodedata

from drivers.printer.commands import char_cols

# 禁则: a line should not start with closing punctuation nor end with an opening bracket; the
# characters around the break move down together instead.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〉,.;:?!)%…—")
_NO_LINE_END = frozenset("（《「『【〈(")


def sanitize(text: str) -> str:
    """Text safe to put in a job: control and format characters would be commands or invisible."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if ch.isspace():
            out.append(" ")
        elif cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def text_cols(text: str, encoding: str) -> int:
    return sum(char_cols(c, encoding) for c in text)


def _units(text: str) -> list[str]:
    """Break opportunities: between wide (CJK) characters anywhere, between other words at spaces."""
    units: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                units.append(word)
                word = ""
            units.append(ch)
        else:
            word += ch
    if word:
        units.append(word)
    return units


def wrap(text: str, cols: int, encoding: str) -> list[str]:
    """Lines of at most `cols` half-width columns; words longer than a line are cut by character."""
    if cols < 2:
        raise ValueError(f"cannot wrap to {cols} columns: a Chinese character needs 2")
    lines: list[str] = []
    cur: list[str] = []

    def push() -> None:
        line = "".join(cur).strip()
        if line:
            lines.append(line)
        cur.clear()

    def add(unit: str) -> None:
        if unit == " ":
            if cur:
                cur.append(unit)
            return
        if text_cols("".join(cur) + unit, encoding) <= cols:
            cur.append(unit)
            return
        carry: list[str] = []
        while (
            len(cur) > 1
            and cur[-1] != " "
            and (cur[-1][-1] in _NO_LINE_END or (carry or [unit])[0][0] in _NO_LINE_START)
            and text_cols(cur[-1] + "".join(carry) + unit, encoding) <= cols
        ):
            carry.insert(0, cur.pop())
        push()
        cur.extend(carry)
        cur.append(unit)

    for unit in _units(sanitize(text)):
        if unit != " " and text_cols(unit, encoding) > cols:
            for ch in unit:
                add(ch)
        else:
            add(unit)
    push()
    return lines
