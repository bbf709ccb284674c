"""Phrase templates and number spelling (pure): what the voice is asked to say."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.speech.phrases import (
    EN_DIGITS,
    EN_LETTERS,
    MAX_CARDINAL,
    YAO,
    ZH_DIGITS,
    ZH_LETTERS,
    PhraseError,
    load_phrases,
    normalize_lang,
    speak_window,
    spell_ticket,
    zh_cardinal,
)

tickets = st.from_regex(r"[A-Za-z]{0,3}[0-9]{1,6}", fullmatch=True)


def _unspell(spoken: str, lang: str) -> str:
    """The inverse of spell_ticket, written independently of it."""
    letters = {v: k for k, v in EN_LETTERS.items()} if lang == "en" else {}
    if lang == "zh_CN":
        letters = {spoken: letter for letter, (spoken, _) in ZH_LETTERS.items()}
    out = []
    for token in spoken.split(" "):
        if lang == "zh_CN" and token in ZH_DIGITS + YAO:
            out.append("1" if token == YAO else str(ZH_DIGITS.index(token)))
        elif lang == "en" and token in EN_DIGITS:
            out.append(str(EN_DIGITS.index(token)))
        else:
            letter = letters.get(token, token)
            assert len(letter) == 1 and letter.isascii() and (lang == "en" or token != letter), token
            out.append(letter)
    return "".join(out)


def _parse_zh(text: str) -> int:
    """Read a Mandarin numeral back (independent of zh_cardinal)."""
    units = {"十": 10, "百": 100, "千": 1000}
    total = section = digit = 0
    for c in text:
        if c in ZH_DIGITS:
            digit = ZH_DIGITS.index(c)
        elif c in units:
            section += (digit or 1) * units[c]
            digit = 0
        elif c == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {c!r} in {text!r}")
    return total + section + digit


@given(tickets, st.sampled_from(["zh_CN", "en"]), st.booleans())
def test_ticket_is_spelled_one_token_per_character_and_reads_back(number: str, lang: str, yao: bool) -> None:
    spoken = spell_ticket(number, lang, one_as_yao=yao)
    assert len(spoken.split(" ")) == len(number)
    assert _unspell(spoken, lang) == number.upper()
    if lang == "zh_CN":
        assert not any(c.isdigit() for c in spoken)  # "012" would be read 零十二
        assert ("一" not in spoken) if yao else (YAO not in spoken)


def test_every_letter_has_a_mandarin_name_in_characters_and_toned_pinyin() -> None:
    assert sorted(ZH_LETTERS) == list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for letter, (spoken, pinyin) in ZH_LETTERS.items():
        syllables = pinyin.split(" ")
        assert len(spoken) == len(syllables) and not spoken.isascii(), letter
        assert all(s[:-1].isascii() and s[:-1].isalpha() and s[-1] in "1234" for s in syllables), letter
    assert [ZH_LETTERS[c][1] for c in "GYB"] == ["ji1", "wai1", "bi4"]


@given(st.text(max_size=12), st.sampled_from(["zh_CN", "en"]))
def test_anything_else_is_refused_with_value_error_only(text: str, lang: str) -> None:
    try:
        spell_ticket(text, lang)
    except ValueError:
        assert not text.strip() or not all(c.isascii() and c.isalnum() for c in text.strip())


def test_the_examples_from_the_hall_standard() -> None:
    assert spell_ticket("G012", "zh_CN") == "鸡 零 一 二"
    assert spell_ticket("G012", "zh_CN", one_as_yao=True) == "鸡 零 幺 二"
    assert spell_ticket("Y003", "zh_CN") == "歪 零 零 三"
    assert spell_ticket("B120", "zh_CN") == "必 一 二 零"
    assert spell_ticket("A001", "zh") == "诶 零 零 一"
    assert spell_ticket("g012", "en") == "G zero one two"
    assert spell_ticket("A7", "en") == "Eh seven"


@given(st.integers(0, MAX_CARDINAL))
def test_zh_cardinal_reads_back_and_is_well_formed(n: int) -> None:
    text = zh_cardinal(n)
    assert _parse_zh(text) == n
    assert "零零" not in text
    assert not text.startswith("一十")
    assert n == 0 or not text.endswith("零")


@pytest.mark.parametrize(
    ("n", "zh"),
    [(0, "零"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (110, "一百一十"),
     (1010, "一千零一十"), (20010, "二万零一十"), (100010, "十万零一十")],
)  # fmt: skip
def test_zh_cardinal_examples(n: int, zh: str) -> None:
    assert zh_cardinal(n) == zh


def test_window_is_read_naturally_in_mandarin_and_as_a_number_in_english() -> None:
    assert speak_window(3, "zh_CN") == "三"
    assert speak_window("12", "zh_CN") == "十二"
    assert speak_window("03", "zh_CN") == "三"
    assert speak_window(12, "en") == "12"
    assert speak_window("B2", "zh_CN") == "必 二"  # a named window is spelled


@given(tickets, st.integers(1, 999))
def test_call_contains_the_spelled_number_and_window(number: str, window: int) -> None:
    zh = load_phrases("zh_CN").render("call", number=number, window=window)
    assert zh == f"请{spell_ticket(number, 'zh_CN')}号到{zh_cardinal(window)}号窗口办理"
    en = load_phrases("en").render("call", number=number, window=window)
    assert en == f"{spell_ticket(number, 'en')}, please go to window {window}"


def test_both_locales_have_the_same_phrases_and_placeholders() -> None:
    zh, en = load_phrases("zh_CN"), load_phrases("en")
    assert zh.templates.keys() == en.templates.keys()
    assert {"call", "recall", "ticket_taken", "take_ticket"} <= zh.templates.keys()
    for key in zh.templates:
        assert zh.fields(key) == en.fields(key), key
    fields = {f for k in zh.templates for f in zh.fields(k)}
    assert fields <= {"number", "window", "waiting", "colour"}


def test_rendering_without_a_value_or_an_unknown_key_is_a_phrase_error() -> None:
    book = load_phrases("en")
    with pytest.raises(PhraseError, match="waiting"):
        book.render("ticket_taken", number="A1")
    with pytest.raises(PhraseError, match="no phrase"):
        book.render("nonexistent")
    assert book.render("ticket_taken", number="A1", waiting=4) == (
        "Your number is Eh one. People waiting ahead of you: 4"
    )


def test_missing_or_broken_phrase_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path
    with pytest.raises(PhraseError, match="no phrase file"):
        load_phrases("en", root)
    (root / "zh_CN").mkdir()
    (root / "zh_CN" / "phrases.toml").write_text('call = "请{number号"\n', encoding="utf-8")
    with pytest.raises(PhraseError, match="call"):
        load_phrases("zh_CN", root)


def test_language_aliases() -> None:
    assert {normalize_lang(x) for x in ("zh", "zh-CN", "ZH_cn", "cmn")} == {"zh_CN"}
    assert normalize_lang("en-US") == "en"
    with pytest.raises(ValueError, match="unsupported"):
        normalize_lang("fr")
