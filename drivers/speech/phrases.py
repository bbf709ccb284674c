"""Spoken phrase templates per locale, and ticket / window numbers spelled the way a hall reads them.

Pure: no audio, no engine. A call is read letter by letter and digit by digit ("G 零 一 二") because a TTS
engine reads "G012" as "G 零十二"; the window number is read naturally ("十二号窗口").
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
    """'G012' -> 'G 零 一 二' (zh_CN) or 'G zero one two' (en); letters stay letters, one token each."""
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
            tokens.append(c if lang == "zh_CN" else EN_LETTERS.get(c, c))
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
