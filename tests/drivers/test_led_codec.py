"""LED display codecs (pure): framing round trips, resynchronisation, and typed errors only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import SettingsError
from drivers.led.codec import (
    DLE,
    ETX,
    MAX_PAYLOAD,
    STX,
    AsciiLineCodec,
    Command,
    Frame,
    FrameError,
    FrameStream,
    HallBusCodec,
    LedCodec,
    NakReason,
    blink_payload,
    codecs,
    crc16_modbus,
    parse_blink,
)

hallbus = HallBusCodec()
ascii_line = AsciiLineCodec()

frames = st.builds(
    Frame,
    address=st.integers(0, 255),
    command=st.sampled_from(list(Command)),
    seq=st.integers(0, 255),
    payload=st.binary(max_size=MAX_PAYLOAD),
)


def test_crc_is_crc16_modbus() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37


def test_a_known_frame_byte_for_byte() -> None:
    wire = hallbus.encode(Frame(5, Command.SHOW, 7, "G012".encode("gbk")))
    body = bytes((5, 0x53, 7, 4)) + b"G012"
    assert wire == bytes((STX,)) + body + crc16_modbus(body).to_bytes(2, "little") + bytes((ETX,))
    # Address 3 is the ETX byte: it travels stuffed.
    assert hallbus.encode(Frame(3, Command.CLEAR, 1))[:4] == bytes((STX, DLE, 3 ^ 0x20, 0x43))


@given(frames)
def test_hallbus_round_trip_and_framing_bytes_only_at_the_ends(frame: Frame) -> None:
    wire = hallbus.encode(frame)
    assert hallbus.decode(wire) == frame
    assert wire[0] == STX and wire[-1] == ETX
    assert STX not in wire[1:-1] and ETX not in wire[1:-1]
    assert len(wire) <= hallbus.max_frame


@given(st.binary(max_size=600))
def test_hallbus_decode_of_random_bytes_raises_only_frame_error(raw: bytes) -> None:
    try:
        frame = hallbus.decode(raw)
    except FrameError as exc:
        assert isinstance(exc.reason, NakReason)
    else:
        assert hallbus.encode(frame) == raw  # the only bytes that decode are a canonical encoding


@given(frames, st.integers(0, 600), st.integers(0, 7))
def test_any_corrupted_byte_is_detected(frame: Frame, index: int, bit: int) -> None:
    wire = bytearray(hallbus.encode(frame))
    wire[index % len(wire)] ^= 1 << bit
    try:
        decoded = hallbus.decode(bytes(wire))
    except FrameError:
        return
    assert decoded != frame


@given(
    st.lists(st.tuples(st.binary(max_size=40), frames), max_size=6),
    st.lists(st.integers(1, 64), min_size=1, max_size=20),
)
def test_stream_recovers_every_frame_between_garbage_whatever_the_read_sizes(
    pieces: list[tuple[bytes, Frame]], cuts: list[int]
) -> None:
    wire = b"".join(garbage + hallbus.encode(frame) for garbage, frame in pieces)
    stream = FrameStream(hallbus)
    got: list[Frame] = []
    pos = i = 0
    while pos < len(wire):
        n = cuts[i % len(cuts)]
        got += [x for x in stream.feed(wire[pos : pos + n]) if isinstance(x, Frame)]
        pos, i = pos + n, i + 1
    expected = iter(got)  # every sent frame, in order (garbage may add frames, never remove one)
    assert all(any(g == frame for g in expected) for _, frame in pieces)


@given(st.lists(st.binary(max_size=100), max_size=10), st.sampled_from([hallbus, ascii_line]))
def test_stream_never_raises_on_noise(chunks: list[bytes], codec: LedCodec) -> None:
    stream = FrameStream(codec)
    for chunk in chunks:
        for item in stream.feed(chunk):
            assert isinstance(item, (Frame, FrameError))


def test_a_frame_cut_short_by_the_next_is_reported_and_the_next_survives() -> None:
    good = hallbus.encode(Frame(1, Command.CLEAR, 1))
    out = FrameStream(hallbus).feed(good[:4] + good)
    assert isinstance(out[0], FrameError) and out[1] == Frame(1, Command.CLEAR, 1)


def test_bad_checksum_error_carries_the_header_for_a_nak() -> None:
    wire = bytearray(hallbus.encode(Frame(3, Command.SHOW, 9, b"A1")))
    wire[-2] ^= 0x40
    with pytest.raises(FrameError) as err:
        hallbus.decode(bytes(wire))
    assert (err.value.reason, err.value.address, err.value.seq) == (NakReason.CHECKSUM, 3, 9)


def test_stuffing_is_applied_to_reserved_bytes() -> None:
    wire = hallbus.encode(Frame(2, Command.SHOW, 3, bytes((STX, ETX, DLE))))
    assert wire[1:3] == bytes((DLE, 2 ^ 0x20))
    assert hallbus.decode(wire).payload == bytes((STX, ETX, DLE))


printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=64)


@given(printable)
def test_ascii_line_round_trip(text: str) -> None:
    wire = ascii_line.encode(Frame(0, Command.SHOW, 0, text.encode()))
    assert wire == text.encode() + b"\r\n"
    (frame,) = FrameStream(ascii_line).feed(wire)
    assert frame == Frame(0, Command.SHOW, 0, text.encode())


@given(st.binary(max_size=100))
def test_ascii_line_decode_of_random_bytes_raises_only_frame_error(raw: bytes) -> None:
    try:
        frame = ascii_line.decode(raw)
    except FrameError:
        return
    assert frame.command in (Command.SHOW, Command.CLEAR) and frame.payload == raw.rstrip(b"\r\n")


def test_ascii_line_refuses_what_it_cannot_say() -> None:
    assert ascii_line.encode(Frame(0, Command.CLEAR)) == b"\r\n"
    with pytest.raises(FrameError, match="cannot blink"):
        ascii_line.encode(Frame(0, Command.BLINK, 0, b"\x03\x32"))
    with pytest.raises(FrameError, match="printable ASCII"):
        ascii_line.encode(Frame(0, Command.SHOW, 0, "号".encode("gbk")))


@given(st.integers(1, 10), st.floats(0.4, 3.0))
def test_blink_payload_never_exceeds_three_flashes_a_second(times: int, hz: float) -> None:
    got_times, period = parse_blink(blink_payload(times, hz))
    assert got_times == times and 1 / period <= 3.0


def test_blink_faster_than_three_a_second_is_refused_both_ways() -> None:
    with pytest.raises(ValueError, match="≤ 3/s"):
        blink_payload(3, 5.0)
    with pytest.raises(FrameError):
        parse_blink(bytes((3, 20)))  # 0.2 s period from a misbehaving host


def test_another_vendors_codec_plugs_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from drivers.led.serial_display import SerialLedDisplay

    class Pipe(AsciiLineCodec):
        name = "pipe"

        def encode(self, frame: Frame) -> bytes:
            return b"|" + super().encode(frame)

    monkeypatch.setitem(codecs, "pipe", Pipe())
    assert SerialLedDisplay({"port": "/dev/null", "codec": "pipe"}).codec.name == "pipe"
    with pytest.raises(SettingsError, match="hallbus"):
        SerialLedDisplay({"port": "/dev/null", "codec": "nonesuch"})
