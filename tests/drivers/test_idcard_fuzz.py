"""Fuzzing the codec: whatever bytes arrive, the decoder and the parsers raise only their typed errors,
and a good frame after any line noise is still found."""

from __future__ import annotations

import contextlib
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.idcard import codec
from drivers.idcard.cards import Card
from drivers.idcard.deck import load_deck
from drivers.idcard.errors import IdCardError
from drivers.idcard.textblock import parse_text_block

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DECK = load_deck()
BLOCKS = [card.text_block() for card in DECK.values()]
REPLIES = [
    codec.Response(0, 0, 0x90, b"\x01\x00\x04\x00" + card.text_block() + card.photo).encode()
    for card in DECK.values()
] + [codec.Response(0, 0, sw3).encode() for sw3 in (0x90, 0x80, 0x60, 0x41)]


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete" and data:
            del data[at]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def without_frame_start(data: bytes) -> bytes:
    while b"\xaa\x96\x69" in data:
        data = data.replace(b"\xaa\x96\x69", b"")
    return data


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def decode_all(chunks: list[bytes]) -> list[codec.Frame]:
    dec = codec.FrameDecoder()
    frames = [f for chunk in chunks for f in dec.feed(chunk)]
    for frame in frames:
        assert isinstance(frame, codec.Frame)
        with contextlib.suppress(IdCardError):
            codec.Response.parse(frame.checked())
    return frames


@FUZZ
@given(st.one_of(st.binary(max_size=3000), mutated(REPLIES)), st.lists(st.integers(0, 4000), max_size=12))
def test_decoder_never_raises(data: bytes, cuts: list[int]) -> None:
    decode_all(chunked(data, cuts))


@FUZZ
@given(
    st.binary(max_size=200).map(without_frame_start),
    st.sampled_from(REPLIES),
    st.lists(st.integers(0, 2000), max_size=8),
)
def test_a_good_frame_after_any_noise_is_found(noise: bytes, reply: bytes, cuts: list[int]) -> None:
    # Noise that contains no frame start at all cannot hide the frame that follows it.
    frames = [f for f in decode_all(chunked(noise + reply, cuts)) if f.ok]
    assert frames and codec.frame(frames[-1].payload) == reply


@FUZZ
@given(st.one_of(st.binary(min_size=256, max_size=300), mutated(BLOCKS)))
def test_text_parser_raises_only_typed_errors(block: bytes) -> None:
    try:
        card = parse_text_block(block, b"\x00" * 1024)
    except IdCardError:
        return
    assert isinstance(card, Card)
    repr(card)  # masking must cope with whatever was decoded


@FUZZ
@given(st.one_of(st.binary(max_size=1400), mutated([r[10:-1] for r in REPLIES])), st.booleans())
def test_read_reply_and_sam_id_parsers_raise_only_typed_errors(data: bytes, fingerprint: bool) -> None:
    for parse in (
        lambda: codec.parse_read_reply(data, fingerprint),
        lambda: codec.parse_sam_id(data[:16]),
        lambda: codec.parse_new_address(data[:70]),
        lambda: codec.Request.parse(data[:3]),
    ):
        with contextlib.suppress(IdCardError):
            parse()
