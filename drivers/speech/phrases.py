"""Spoken phrase templates per locale, and ticket / window numbers spelled the way a hall reads them.

Pure: no audio, no engine. A call is read letter by letter and digit by digit ("鸡 零 一 二" for G012)
because a TTS engine reads "G012" as "G 零十二"; the window number is read naturally ("十二号窗口").
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

# The packaged phrase files: locales/ installs as the data package hall_data.locales (setup.py). Named here
# rather than taken from kiosk.resources because drivers never import the app; a hall may set locales_dir.
LOCALES_DIR = Path(str(files("hall_data.locales")))

LANGS = ("zh_CN", "en")
_ALIASES = {
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh-cn": "zh_CN",
    "zh-hans": "zh_CN",
    "cmn": "zh_CN",
    "en": "en",
    "en_us": "en",
    "en-us": "en",
    "en_gb": "en",
    "en-gb": "en",
}

ZH_DIGITS = "零一二三四五六七八九"
YAO = "幺"
EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# espeak reads a lone capital "A" as the article (a schwa); "Eh" gets the letter name /eI/.
EN_LETTERS = {"A": "Eh"}

# A Mandarin voice reads a Latin letter by its own rules (espeak's Mandarin says G as zhì, J as zhèi);
# people in a hall say the English letter name as Mandarin syllables: G jī as in 鸡, Y wāi, B bì. Each
# letter is written in characters that sound so, which any Mandarin voice reads alike, with the pinyin
# the self-test checks the voice's phonemes against.
ZH_LETTERS: dict[str, tuple[str, str]] = {
    "A": ("诶", "ei2"),
    "B": ("必", "bi4"),
    "C": ("西", "xi1"),
    "D": ("迪", "di2"),
    "E": ("伊", "yi1"),
    "F": ("艾弗", "ai4 fu2"),
    "G": ("鸡", "ji1"),
    "H": ("艾尺", "ai4 chi3"),
    "I": ("艾", "ai4"),
    "J": ("杰", "jie2"),
    "K": ("开", "kai1"),
    "L": ("艾勒", "ai4 le4"),
    "M": ("艾姆", "ai4 mu3"),
    "N": ("恩", "en1"),
    "O": ("欧", "ou1"),
    "P": ("披", "pi1"),
    "Q": ("丘", "qiu1"),
    "R": ("阿尔", "a1 er3"),
    "S": ("艾丝", "ai4 si1"),
    "T": ("提", "ti2"),
    "U": ("优", "you1"),
    "V": ("维", "wei2"),
    "W": ("达不溜", "da2 bu4 liu1"),
    "X": ("艾克斯", "ai4 ke4 si1"),
    "Y": ("歪", "wai1"),
    "Z": ("贼德", "zei2 de2"),
}

MAX_CARDINAL = 99_999_999


class PhraseError(ValueError):
    """A phrase file is missing or malformed, or a template was rendered without its values."""


def normalize_lang(lang: str) -> str:
    """'zh', 'zh-CN', 'cmn' -> 'zh_CN'; 'en-US' -> 'en'; anything else is a ValueError."""
    key = lang.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unsupported speech language {lang!r} (supported: {', '.join(LANGS)})")


def spell_ticket(number: str, lang: str, *, one_as_yao: bool = False) -> str:
    """'G012' -> '鸡 零 一 二' (zh_CN) or 'G zero one two' (en): one token per character, letters by the
    names people say in each language."""
    lang = normalize_lang(lang)
    text = number.strip().upper()
    if not text or not all(c.isascii() and c.isalnum() for c in text):
        raise ValueError(f"a ticket number is letters and digits, got {number!r}")
    tokens: list[str] = []
    for c in text:
        if c.isdigit():
            d = int(c)
            if lang == "zh_CN":
                tokens.append(YAO if (d == 1 and one_as_yao) else ZH_DIGITS[d])
            else:
                tokens.append(EN_DIGITS[d])
        else:
            tokens.append(ZH_LETTERS[c][0] if lang == "zh_CN" else EN_LETTERS.get(c, c))
    return " ".join(tokens)


def _zh_section(n: int) -> str:
    """1..9999 in full form ('一十' kept; the caller drops a leading 一 before 十)."""
    out: list[str] = []
    pending_zero = False
    for pos, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
        d = n // 10**pos % 10
        if d == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(ZH_DIGITS[d] + unit)
    return "".join(out)


def zh_cardinal(n: int) -> str:
    """A number read naturally in Mandarin: 3 -> 三, 12 -> 十二, 105 -> 一百零五, 20010 -> 二万零一十."""
    if not 0 <= n <= MAX_CARDINAL:
        raise ValueError(f"zh_cardinal supports 0..{MAX_CARDINAL}, got {n}")
    if n == 0:
        return ZH_DIGITS[0]
    high, low = divmod(n, 10_000)
    text = ""
    if high:
        text = _zh_section(high) + "万"
        if low and low < 1000:
            text += "零"
    if low:
        text += _zh_section(low)
    # Spoken Mandarin says 十二 / 十万, not 一十二, at the start of a number only (一百一十 keeps it).
    return text[1:] if text.startswith("一十") else text


def speak_window(window: int | str, lang: str) -> str:
    """A window number as the voice should read it; non-numeric window names are spelled."""
    lang = normalize_lang(lang)
    text = str(window).strip()
    if text.isascii() and text.isdigit():
        n = int(text)
        return zh_cardinal(n) if lang == "zh_CN" else str(n)
    return spell_ticket(text, lang)


@dataclass(frozen=True, slots=True)
class PhraseBook:
    lang: str
    templates: dict[str, str]
    source: Path

    def fields(self, key: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(self.template(key)) if f}

    def template(self, key: str) -> str:
        try:
            return self.templates[key]
        except KeyError:
            raise PhraseError(f"no phrase {key!r} in {self.source}") from None

    def render(
        self,
        key: str,
        *,
        number: str | None = None,
        window: int | str | None = None,
        one_as_yao: bool = False,
        **values: Any,
    ) -> str:
        """The phrase with {number} spelled for speech and {window} read naturally."""
        if number is not None:
            values["number"] = spell_ticket(number, self.lang, one_as_yao=one_as_yao)
        if window is not None:
            values["window"] = speak_window(window, self.lang)
        missing = self.fields(key) - values.keys()
        if missing:
            raise PhraseError(f"phrase {key!r} ({self.lang}) needs {', '.join(sorted(missing))}")
        return self.template(key).format(**values)


def load_phrases(lang: str, locales_dir: str | Path | None = None) -> PhraseBook:
    lang = normalize_lang(lang)
    return _load(lang, Path(locales_dir) if locales_dir else LOCALES_DIR)


@lru_cache(maxsize=16)
def _load(lang: str, locales_dir: Path) -> PhraseBook:
    path = locales_dir / lang / "phrases.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PhraseError(f"no phrase file {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PhraseError(f"{path}: {exc}") from None
    bad = [k for k, v in data.items() if not isinstance(v, str)]
    if bad:
        raise PhraseError(f"{path}: phrases must be strings, not {', '.join(bad)}")
    for key, template in data.items():
        try:
            list(string.Formatter().parse(template))
        except ValueError as exc:
            raise PhraseError(f"{path}: phrase {key!r}: {exc}") from None
    if "call" not in data:
        raise PhraseError(f"{path}: the 'call' phrase is required")
    return PhraseBook(lang, dict(data), path)
