"""The pure rules behind the API's refusals: JSON depth on raw bytes, display text, log redaction."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kiosk.hall.display_text import check_display_text, unsafe_characters
from kiosk.hall.json_limits import json_depth, too_deep
from kiosk.log_redaction import redact_secrets

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=30,
)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(json_values, st.booleans())
def test_depth_on_bytes_matches_the_parsed_value(value: object, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_depth(raw) == depth(value)
    assert too_deep(raw, 3) == (depth(value) > 3)


@given(st.text())
def test_brackets_inside_strings_are_not_structure(text: str) -> None:
    assert json_depth(json.dumps({"s": text}).encode()) == 1


def test_depth_tolerates_broken_json() -> None:
    assert json_depth(b"[" * 40) == 40
    assert json_depth(b'["unterminated [[[[') == 1
    assert json_depth(b"]]]][[") >= 2  # an upper bound: closers first cannot hide what opens after


@given(st.text(st.characters(categories=["L", "M", "N", "P", "S"]), min_size=1).filter(str.strip))
def test_visible_text_passes(text: str) -> None:
    assert check_display_text(text) == text and unsafe_characters(text) == []


@given(
    st.text(), st.sampled_from(["\x00", "\u202e", "\u2067", "\u200b", "\x7f", "\u2029", "\ue000"]), st.text()
)
def test_control_and_format_characters_are_refused(before: str, bad: str, after: str) -> None:
    assert f"U+{ord(bad):04X}" in unsafe_characters(before + bad + after)


TOKEN = "hq_" + "Ab3_-" * 8


# A query value ends at '&', '#', whitespace or a quote (URLs in logs are percent-encoded otherwise).
@given(st.text(st.characters(exclude_categories=["Z", "C"], exclude_characters="&#\"'"), min_size=1))
def test_query_tokens_are_redacted(value: str) -> None:
    line = f'127.0.0.1:5 - "WebSocket /api/v1/events/ws?since=3&token={value}&x=1" [accepted]'
    out = redact_secrets(line)
    assert "token=***&x=1" in out and "since=3" in out


def test_every_form_of_a_token_is_redacted() -> None:
    for line in (
        f"GET /events?token={TOKEN}",
        f"Authorization: Bearer {TOKEN}",
        f"authorization: bearer {TOKEN}, then",
        f"revoked {TOKEN} for kiosk-1",
        f"session hs_{TOKEN[3:]}",
    ):
        assert TOKEN[3:] not in redact_secrets(line), line
    assert redact_secrets("ticket B001 called at window 3") == "ticket B001 called at window 3"
