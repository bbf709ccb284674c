"""DLE EOT status bytes: the pure decoder, and what each state reports to technicians and the kiosk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import Health
from drivers.printer.status import _BITS, PROBLEMS, QUERIES, PrinterState, decode, encode

ALL_FLAGS = {n: [name for _, name in bits] for n, bits in _BITS.items()}


@given(n=st.sampled_from(QUERIES), byte=st.integers(0, 255))
def test_decoder_never_raises_on_any_byte(n: int, byte: int) -> None:
    flags = decode(n, byte)
    assert flags <= {*ALL_FLAGS[n], "malformed"}
    assert ("malformed" in flags) == (byte & 0x93 != 0x12)


def test_decoder_exhaustively_and_state_mapping_for_every_byte() -> None:
    for n in QUERIES:
        for byte in range(256):
            state = PrinterState.from_replies({n: byte})
            status = state.to_status()  # never raises either, whatever the byte
            assert status.health in Health


@given(n=st.sampled_from(QUERIES), data=st.data())
def test_encode_decode_round_trip(n: int, data: st.DataObject) -> None:
    flags = frozenset(data.draw(st.sets(st.sampled_from(ALL_FLAGS[n]))))
    assert decode(n, encode(n, flags)) == flags


@pytest.mark.parametrize(
    ("replies", "health", "code"),
    [
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}, Health.OK, "ok"),  # Epson manual: all clear
        ({1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}, Health.OK, "ok"),  # drawer pin high is not a problem
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}, Health.DEGRADED, "printer_paper_near_end"),
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x16}, Health.DEGRADED, "printer_paper_near_end"),  # one bit only
        ({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}, Health.FAULT, "printer_paper_out"),
        ({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, Health.FAULT, "printer_cover_open"),
        ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, Health.FAULT, "printer_cutter_error"),
        ({1: 0x1A, 2: 0x52, 3: 0x32, 4: 0x12}, Health.FAULT, "printer_error"),
        ({1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}, Health.FAULT, "printer_offline"),
        ({1: 0x00, 2: 0x12, 3: 0x12, 4: 0x12}, Health.FAULT, "printer_bad_reply"),  # wrong baud rate
    ],
)
def test_real_status_bytes(replies: dict[int, int], health: Health, code: str) -> None:
    status = PrinterState.from_replies(replies).to_status()
    assert (status.health, status.details["code"]) == (health, code)
    assert status.reason and status.reason_zh


def test_fault_mentions_near_end_but_not_the_offline_it_causes() -> None:
    state = PrinterState(flags=frozenset({"cover_open", "offline", "paper_near_end"}))
    assert state.codes() == ["printer_cover_open", "printer_paper_near_end"]
    assert state.to_status().reason == "printer cover open; also paper near end"
    assert state.to_status().reason_zh == "打印机舱盖未关好；打印纸即将用完"
    assert PrinterState(flags=frozenset({"paper_out", "paper_near_end", "offline"})).codes() == [
        "printer_paper_out"
    ]


def test_unknown_and_unreachable() -> None:
    unknown = PrinterState.unknown("file:/tmp/x").to_status()
    assert unknown.health is Health.DEGRADED and "cannot read" in unknown.reason
    assert not PrinterState.unknown().blocks_printing  # printing still goes ahead, blind
    down = PrinterState.unreachable("connection refused")
    assert down.blocks_printing and down.to_status().reason == "printer not reachable: connection refused"
    assert PrinterState.unreachable("a") == PrinterState.unreachable("b")  # the note is not a state change


def test_every_fault_has_words_for_the_resident() -> None:
    for p in PROBLEMS:
        if p.health is Health.FAULT:
            assert p.resident and p.resident_zh and p.reason_zh, p.code
