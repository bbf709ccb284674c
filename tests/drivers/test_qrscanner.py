"""The scanners' pure parts: code classification, line splitting, AIM ids, the evdev keymap, bursts."""

from __future__ import annotations

import itertools
import struct
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers import registry
from drivers.base import SettingsError
from drivers.qrscanner import ScanKind, appointment_code, appointment_url, classify, ticket_url
from drivers.qrscanner.burst import BurstDetector
from drivers.qrscanner.evdev import (
    EV_KEY,
    EV_SYN,
    EVENT,
    EVIOCGRAB,
    KEY_PRESS,
    KEY_RELEASE,
    KEY_REPEAT,
    SYN_DROPPED,
    SYN_REPORT,
    InputEvent,
    KeyDecoder,
    RecordReader,
    encode_text,
)
from drivers.qrscanner.keymap import (
    KEY_CAPSLOCK,
    KEY_ENTER,
    KEY_LEFTCTRL,
    KEY_LEFTSHIFT,
    KEY_RIGHTSHIFT,
    MODIFIERS,
    PRINTABLE,
)
from drivers.qrscanner.lines import LineSplitter, parse_line
from drivers.qrscanner.reader import Debouncer
from drivers.qrscanner.serial_scanner import SerialScanner
from drivers.qrscanner.wedge import KeyboardWedgeScanner

APPT = "kP3-x_9QzT2mN8vA"  # the shape of secrets.token_urlsafe(12), as the back office makes them
TICKET = "Zx9_-AbCdEfGhIjKlMnOpQ"  # token_urlsafe(16)
PUBLIC = "https://hall.example.gov.cn/t/"


# -- what a scan means ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "public_url", "kind", "ident"),
    [
        (f"HQA1:{APPT}", PUBLIC, ScanKind.APPOINTMENT, APPT),
        (f"hqa1:{APPT}\n", "", ScanKind.APPOINTMENT, APPT),
        (f"https://hall.example.gov.cn/a/{APPT}", PUBLIC, ScanKind.APPOINTMENT, APPT),
        (f"HTTPS://HALL.example.gov.cn/a/{APPT}/", PUBLIC, ScanKind.APPOINTMENT, APPT),
        (f"https://hall.example.gov.cn/t/{TICKET}", PUBLIC, ScanKind.TICKET, TICKET),
        (f"https://hall.example.gov.cn/t/{TICKET}?from=sms#top", PUBLIC, ScanKind.TICKET, TICKET),
        (f"http://192.168.1.20:8750/t/{TICKET}", "", ScanKind.TICKET, TICKET),
        (f"http://192.168.1.20:8750/a/{APPT}", "", ScanKind.APPOINTMENT, APPT),
        # A public URL that is not …/t/: tickets append to it, appointments go beside it.
        (f"https://q.example.cn/hall/{TICKET}", "https://q.example.cn/hall", ScanKind.TICKET, TICKET),
        (f"https://q.example.cn/hall/a/{APPT}", "https://q.example.cn/hall", ScanKind.APPOINTMENT, APPT),
    ],
)
def test_codes_of_the_hall_are_recognised(text: str, public_url: str, kind: ScanKind, ident: str) -> None:
    meaning = classify(text, public_url)
    assert (meaning.kind, meaning.id) == (kind, ident)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "6901234567892",  # an EAN barcode on a product
        "HQA1:",
        "HQA1:abc",  # too short to be an id the back office made
        "HQA1:has space",
        f"https://evil.example.com/a/{APPT}",  # another site
        f"https://hall.example.gov.cn/x/a/{APPT}",  # deeper path on our site
        f"https://hall.example.gov.cn/t/{TICKET}/extra",
        f"ftp://hall.example.gov.cn/t/{TICKET}",
        "WIFI:S:hall;T:WPA;P:secret;;",
    ],
)
def test_anything_else_is_unknown(text: str) -> None:
    assert classify(text, PUBLIC).kind is ScanKind.UNKNOWN


def test_the_helpers_make_what_classify_recognises() -> None:
    for public in (PUBLIC, "https://hall.example.gov.cn/t", "http://10.0.0.2:8750/t/", "https://q.cn/hall/"):
        assert classify(appointment_url(public, APPT), public).id == APPT
        assert classify(ticket_url(public, TICKET), public).kind is ScanKind.TICKET
    assert appointment_url(PUBLIC, APPT) == f"https://hall.example.gov.cn/a/{APPT}"
    assert ticket_url(PUBLIC, TICKET) == PUBLIC + TICKET  # what defaults.toml says a ticket's QR holds
    assert classify(appointment_code(APPT)).kind is ScanKind.APPOINTMENT


# -- serial lines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "wire"),
    [("CR", b"A1\rB2\r"), ("LF", b"A1\nB2\n"), ("CRLF", b"A1\r\nB2\r\n"), ("auto", b"A1\r\nB2\n")],
)
def test_lines_end_at_the_configured_suffix(suffix: str, wire: bytes) -> None:
    splitter = LineSplitter(suffix)
    assert splitter.feed(wire, 0.0) == [b"A1", b"B2"]


def test_crlf_keeps_a_lone_lf_inside_a_code_and_auto_splits_a_crlf_across_reads() -> None:
    assert LineSplitter("CRLF").feed(b"line1\nline2\r\n", 0) == [b"line1\nline2"]
    auto = LineSplitter("auto")
    assert auto.feed(b"A1\r", 0) == [b"A1"]
    assert auto.feed(b"\nB2\r\n", 0) == [b"B2"]  # the split CRLF makes no empty code


def test_an_unfinished_fragment_is_dropped_after_idle_and_never_prefixes_the_next_code() -> None:
    splitter = LineSplitter("CRLF", idle_s=0.3)
    assert splitter.feed(b"HQA1:half", 10.0) == []
    assert splitter.feed(b"-more\r\n", 10.1) == [b"HQA1:half-more"]  # a slow code within idle is fine
    assert splitter.feed(b"noise", 11.0) == []
    assert splitter.feed(b"HQA1:next\r\n", 11.5) == [b"HQA1:next"]
    assert splitter.discarded == 1


def test_with_no_suffix_the_idle_gap_ends_a_code() -> None:
    splitter = LineSplitter("none", idle_s=0.05)
    assert splitter.feed(b"HQA1:", 1.0) == [] and splitter.feed(b"abcdefgh", 1.01) == []
    assert splitter.poll(1.03) == [] and splitter.poll(1.07) == [b"HQA1:abcdefgh"]


def test_an_endless_line_is_dropped() -> None:
    splitter = LineSplitter("CRLF", max_len=100)
    assert splitter.feed(b"x" * 150, 0) == [] and splitter.discarded == 1
    assert splitter.feed(b"ok\r\n", 0) == [b"ok"]


@pytest.mark.parametrize(
    ("raw", "prefix", "aim", "expected"),
    [
        (b"]Q1HQA1:abcdefgh", "", True, ("HQA1:abcdefgh", "qr")),
        (b"]C0ABC-123", "", True, ("ABC-123", "code128")),
        (b"]E06901234567892", "", True, ("6901234567892", "ean-upc")),
        (b"]Y9odd", "", True, ("odd", "aim:]Y9")),
        (b"]Q1HQA1:abcdefgh", "", False, ("]Q1HQA1:abcdefgh", None)),
        (b"STX]Q1code", "STX", True, ("code", "qr")),
        ("预约码 HQA1:abc".encode(), "", True, ("预约码 HQA1:abc", None)),
        (
            b"01095011010209171719050810ABCD\x1d21XYZ",
            "",
            True,
            ("01095011010209171719050810ABCD\x1d21XYZ", None),
        ),
        (b"\xff\xfe\x00garbled", "", True, None),  # not UTF-8
        (b"bell\x07", "", True, None),  # control bytes: line noise
        (b"]Q1", "", True, None),  # an identifier and nothing else
    ],
)
def test_parse_line(raw: bytes, prefix: str, aim: bool, expected: tuple[str, str | None] | None) -> None:
    assert parse_line(raw, prefix, aim) == expected


codes = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1, max_size=40
)


@given(
    lines=st.lists(codes, min_size=1, max_size=8),
    suffix=st.sampled_from(["CR", "LF", "CRLF", "auto"]),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=30),
)
def test_the_splitter_never_loses_or_merges_codes_however_the_bytes_are_chunked(
    lines: list[str], suffix: str, cuts: list[int]
) -> None:
    terminator = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "auto": b"\r\n"}[suffix]
    wire = b"".join(line.encode() + terminator for line in lines)
    bounds = sorted({0, len(wire), *(c for c in cuts if c < len(wire))})
    splitter = LineSplitter(suffix)
    got: list[bytes] = []
    for a, b in itertools.pairwise(bounds):
        got += splitter.feed(wire[a:b], 0.0)
    assert [g.decode() for g in got] == lines


# -- keyboard wedge: evdev records and the keymap --------------------------------------------------


def test_input_event_is_the_kernel_struct() -> None:
    long_size = struct.calcsize("@l")
    assert EVENT.size == 2 * long_size + 8
    if sys.maxsize > 2**32:
        assert EVENT.size == 24
    ioc_write, size_of_int = 1 << 30, 4 << 16
    assert ioc_write | size_of_int | (ord("E") << 8) | 0x90 == EVIOCGRAB  # _IOW('E', 0x90, int)


def _typed(data: bytes) -> list[str]:
    decoder, out = KeyDecoder(), []
    for ev in RecordReader().feed(data):
        text = decoder.feed(ev)
        if text is not None:
            out.append(text)
    return out


@given(
    text=st.text(st.sampled_from(PRINTABLE), min_size=1, max_size=120),
    cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=25),
)
def test_the_keymap_round_trips_any_printable_ascii_through_evdev_records(text: str, cuts: list[int]) -> None:
    wire = encode_text(text, at=1_700_000_000.25)
    bounds = sorted({0, len(wire), *(c for c in cuts if c < len(wire))})
    reader, decoder, got = RecordReader(), KeyDecoder(), []
    for a, b in itertools.pairwise(bounds):
        for ev in reader.feed(wire[a:b]):
            if (done := decoder.feed(ev)) is not None:
                got.append(done)
    assert got == [text]


def _keys(*presses: tuple[int, int]) -> bytes:
    return b"".join(InputEvent(EV_KEY, code, value).pack() for code, value in presses)


def test_caps_lock_right_shift_keypad_and_repeats() -> None:
    a, one, kp1, kpdot = 30, 2, 79, 83
    data = _keys(
        (KEY_CAPSLOCK, KEY_PRESS),
        (KEY_CAPSLOCK, KEY_RELEASE),
        (a, KEY_PRESS),  # caps: A
        (a, KEY_REPEAT),  # a held key's repeat is not a second character
        (a, KEY_RELEASE),
        (KEY_RIGHTSHIFT, KEY_PRESS),
        (a, KEY_PRESS),  # caps + shift: a
        (one, KEY_PRESS),  # shift: !
        (KEY_RIGHTSHIFT, KEY_RELEASE),
        (kp1, KEY_PRESS),
        (kpdot, KEY_PRESS),
        (KEY_ENTER, KEY_PRESS),
    )
    assert _typed(data) == ["Aa!1."]


def test_a_key_that_types_nothing_spoils_its_scan_only() -> None:
    c = 46
    spoiled = _keys(
        (KEY_LEFTCTRL, KEY_PRESS), (c, KEY_PRESS), (KEY_LEFTCTRL, KEY_RELEASE), (KEY_ENTER, KEY_PRESS)
    )
    decoder = KeyDecoder()
    assert [decoder.feed(ev) for ev in RecordReader().feed(spoiled)][-1] is None
    assert decoder.discarded == 1
    assert _typed(spoiled + encode_text("ok")) == ["ok"]


def _decode(decoder: KeyDecoder, data: bytes) -> list[str]:
    return [text for ev in RecordReader().feed(data) if (text := decoder.feed(ev)) is not None]


CODES = st.lists(st.text(st.sampled_from(PRINTABLE), min_size=1, max_size=40), min_size=1, max_size=4)


@given(lost=st.lists(st.sampled_from(sorted(MODIFIERS)), min_size=1, max_size=3), codes=CODES)
def test_a_lost_modifier_release_costs_at_most_the_scan_it_is_in(lost: list[int], codes: list[str]) -> None:
    decoder = KeyDecoder()
    presses = _keys(*((code, KEY_PRESS) for code in lost))  # their releases never come
    first, *rest = codes
    # The scan typed with the modifier down may be altered: dropped, never delivered wrong. (A shift
    # the scan itself presses and releases is found released, and the scan is then right.)
    got = _decode(decoder, presses + encode_text(first))
    assert got in ([], [first])
    assert bool(decoder.stuck) is (got == []) and decoder.stuck <= set(lost)
    assert _decode(decoder, b"".join(encode_text(code) for code in rest)) == rest
    if rest:
        assert decoder.stuck == frozenset()


def test_a_modifier_held_when_keys_stop_lost_its_release() -> None:
    decoder = KeyDecoder()
    _decode(decoder, _keys((KEY_LEFTCTRL, KEY_PRESS)))
    assert decoder.pending
    decoder.timeout()
    assert decoder.stuck == {KEY_LEFTCTRL} and not decoder.pending
    assert _decode(decoder, encode_text("after")) == ["after"]
    assert decoder.stuck == frozenset() and decoder.discarded == 0


def _syn(code: int) -> bytes:
    return InputEvent(EV_SYN, code, 0).pack()


def test_an_overrun_drops_the_scan_it_cut_and_forgets_held_keys() -> None:
    decoder = KeyDecoder()
    cut = encode_text("HQA1:kP3", enter=False) + _keys((KEY_LEFTSHIFT, KEY_PRESS))
    # After SYN_DROPPED the rest of the cut report is incomplete; the next SYN_REPORT starts afresh.
    tail = _syn(SYN_DROPPED) + _keys((KEY_ENTER, KEY_PRESS)) + _syn(SYN_REPORT) + encode_text("-x_9")
    assert _decode(decoder, cut + tail) == []
    assert decoder.dropped_reports == 1 and decoder.discarded == 1
    assert _decode(decoder, encode_text("next")) == ["next"]  # not "NEXT": the shift is not held
    # An overrun between scans costs nothing.
    assert _decode(decoder, _syn(SYN_DROPPED) + _syn(SYN_REPORT) + encode_text("more")) == ["more"]


def test_a_repeating_modifier_is_held_even_if_its_press_was_lost() -> None:
    decoder = KeyDecoder()
    overrun = _syn(SYN_DROPPED) + _syn(SYN_REPORT)  # the Ctrl press was in what the kernel dropped
    assert _decode(decoder, overrun + _keys((KEY_LEFTCTRL, KEY_REPEAT)) + encode_text("c")) == []
    assert decoder.stuck == {KEY_LEFTCTRL}
    assert _decode(decoder, encode_text("c")) == ["c"]


# -- bursts, de-bounce ------------------------------------------------------------------------------


def _type(detector: BurstDetector, keys: str, start: float, gap: float) -> list[str]:
    out = []
    for i, key in enumerate(keys):
        if (code := detector.feed(key, start + i * gap)) is not None:
            out.append(code)
    return out


def test_a_burst_ending_in_enter_is_a_scan_and_typing_is_not() -> None:
    detector = BurstDetector()
    assert _type(detector, "HQA1:abcdefgh\r", 100.0, 0.004) == ["HQA1:abcdefgh"]
    assert _type(detector, "hello\r", 200.0, 0.15) == []  # a person
    # A person types a little, then a scanner fires: only the scanner's keys are the code.
    assert _type(detector, "ab", 300.0, 0.2) == []
    assert _type(detector, "HQA1:xyz12345\n", 300.9, 0.005) == ["HQA1:xyz12345"]
    assert _type(detector, "12\r", 400.0, 0.005) == []  # too short to be a code


@given(
    text=st.text(st.sampled_from(PRINTABLE), min_size=4, max_size=60),
    gaps=st.data(),
)
def test_bursts_are_scans_exactly_when_every_gap_is_short(text: str, gaps: st.DataObject) -> None:
    n = len(text) + 1
    # No gap within float rounding of the threshold: which side it falls on is not the point.
    gap = st.one_of(st.floats(0.0005, 0.025), st.floats(0.035, 0.5))
    intervals = gaps.draw(st.lists(gap, min_size=n, max_size=n))
    detector, t, got = BurstDetector(max_gap_s=0.03), 1000.0, None
    for key, gap in zip([*text, "\r"], intervals, strict=True):
        t += gap
        got = detector.feed(key, t)
    fast = all(g <= 0.03 for g in intervals[1:])
    assert (got == text) == fast


def test_debounce_holds_a_repeated_code_and_lets_new_ones_through() -> None:
    d = Debouncer(1.0)
    assert d.accept("A", 0.0) and not d.accept("A", 0.5)
    assert not d.accept("A", 1.2)  # held in front of the scanner: still the same scan
    assert d.accept("A", 2.5)
    assert d.accept("B", 2.6) and d.accept("A", 2.7)


# -- settings and registry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "settings", "named"),
    [
        (SerialScanner, {}, "devices.qrscanner.port"),
        (SerialScanner, {"port": "/dev/ttyACM0", "suffix": "CRCR"}, "devices.qrscanner.suffix"),
        (SerialScanner, {"port": "/dev/ttyACM0", "baud": "9600"}, "devices.qrscanner.baud"),
        (SerialScanner, {"port": "/dev/ttyACM0", "debounce_ms": -1}, "devices.qrscanner.debounce_ms"),
        (KeyboardWedgeScanner, {}, "devices.qrscanner.device"),
        (KeyboardWedgeScanner, {"device": "/dev/input/event3", "grab": 1}, "devices.qrscanner.grab"),
    ],
)
def test_bad_settings_name_the_key(cls: type, settings: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        cls(settings)


def test_registry_builds_both_drivers_from_config_tables() -> None:
    serial_scanner = registry.create("qrscanner", {"driver": "serial", "port": "/dev/ttyACM0"})
    wedge = registry.create("qrscanner", {"driver": "wedge", "device": "/dev/input/by-id/x-event-kbd"})
    assert isinstance(serial_scanner, SerialScanner) and isinstance(wedge, KeyboardWedgeScanner)
