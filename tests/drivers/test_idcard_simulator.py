"""The simulator process, spoken to with raw bytes from the spec (no driver code involved): it must answer
the frames of spec §2.1 byte for byte, keep the SAM's card-session rules, and answer bad requests with the
§4 status codes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from drivers.idcard.deck import load_deck
from tests.drivers.idcard_support import simulator
from tests.drivers.simproc import SimProc


def h(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimProc]:
    with simulator(tmp_path) as s:
        yield s


@pytest.fixture
def port(sim: SimProc) -> Iterator[serial.Serial]:
    with serial.Serial(sim.device, 115200, timeout=0.05) as ser:
        yield ser


def ask(port: serial.Serial, frame: bytes, want: int | None = None, wait: float = 1.0) -> bytes:
    """Send raw bytes, return the raw reply (the whole frame, `want` bytes when known)."""
    port.reset_input_buffer()
    port.write(frame)
    got = b""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        got += port.read(4096)
        if len(got) >= 7 and len(got) >= 7 + int.from_bytes(got[5:7], "big"):
            break
    if want is not None:
        assert len(got) == want
    return got


STATUS = h("AA AA AA 96 69 00 03 11 FF ED")
FIND = h("AA AA AA 96 69 00 03 20 01 22")
SELECT = h("AA AA AA 96 69 00 03 20 02 21")
READ = h("AA AA AA 96 69 00 03 30 01 32")
OK = h("AA AA AA 96 69 00 04 00 00 90 94")
NO_CARD = h("AA AA AA 96 69 00 04 00 00 80 84")


def test_spec_frames_byte_for_byte(sim: SimProc, port: serial.Serial) -> None:
    assert ask(port, STATUS) == OK
    assert ask(port, FIND) == NO_CARD
    assert ask(port, SELECT) == h("AA AA AA 96 69 00 04 00 00 81 85")
    assert ask(port, READ) == h("AA AA AA 96 69 00 04 00 00 41 45")
    sim.command("place", "elderly")
    assert ask(port, FIND) == h("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    assert ask(port, SELECT) == h("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")
    reply = ask(port, READ, want=1295)
    assert reply[:14] == h("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    chk = 0
    for byte in reply[5:-1]:
        chk ^= byte
    assert reply[-1] == chk
    assert reply[14:20] == "赵桂兰".encode("utf-16-le")
    # After a read the card stays silent to find until it leaves the field (spec §8) ...
    assert ask(port, FIND) == NO_CARD
    sim.command("remove")
    sim.command("place", "elderly")
    # ... and is found again once placed again.
    assert ask(port, FIND)[9] == 0x9F


def test_read_with_fingerprint_and_sam_id(sim: SimProc, port: serial.Serial) -> None:
    sam_id = ask(port, h("AA AA AA 96 69 00 03 12 FF EE"), want=27)
    assert sam_id[9] == 0x90 and sam_id[10:12] == b"\x05\x00"
    sim.command("place", "young")
    ask(port, FIND)
    ask(port, SELECT)
    reply = ask(port, h("AA AA AA 96 69 00 03 30 10 23"), want=2321)
    assert reply[5:7] == h("09 0A")  # the largest frame of the spec: fingerprint of 1024 bytes
    assert reply[10:16] == h("01 00 04 00 04 00")


def test_malformed_requests_get_their_status_codes(sim: SimProc, port: serial.Serial) -> None:
    assert ask(port, h("AA AA AA 96 69 00 03 11 FF EE")) == h("AA AA AA 96 69 00 04 00 00 10 14")  # checksum
    assert ask(port, h("AA AA AA 96 69 00 04 11 FF 00 EA"))[9] == 0x11  # 11 FF takes no data
    assert ask(port, h("AA AA AA 96 69 00 03 77 01 75"))[9] == 0x21  # no such command
    assert ask(port, h("AA AA AA 96 69 00 03 60 09 6A"))[9] == 0x21  # no such baud
    # Noise before a request does not stop the SAM from finding it.
    assert ask(port, h("00 13 AA AA 37") + STATUS) == OK
    stats = sim.command("stats")["stats"]
    assert stats["bad_checksum"] == 1 and stats["bad_length"] == 1 and stats["unknown_command"] == 2


def test_fault_modes_on_the_wire(sim: SimProc, port: serial.Serial) -> None:
    sim.command("fault", "nosam")
    assert ask(port, STATUS) == h("AA AA AA 96 69 00 04 00 00 60 64")
    sim.command("fault", "checksum", "1")
    bad = ask(port, STATUS)
    assert bad[:-1] == OK[:-1] and bad[-1] != OK[-1]
    assert ask(port, STATUS) == OK  # the count ran out
    sim.command("fault", "garbled")
    noisy = ask(port, STATUS, wait=0.3)
    assert noisy.endswith(OK[2:]) and not noisy.startswith(OK[:5])
    sim.command("fault", "timeout")
    assert ask(port, STATUS, wait=0.3) == b""
    sim.command("fault", "none")
    assert ask(port, STATUS) == OK


def test_baud_switch_and_mismatch(sim: SimProc, port: serial.Serial) -> None:
    assert ask(port, h("AA AA AA 96 69 00 03 60 01 62")) == OK  # reply still at the old rate
    assert sim.command("stats")["baud"] == 57600
    assert ask(port, STATUS, wait=0.3) == b""  # we are still at 115200: the SAM hears noise
    port.baudrate = 57600
    assert ask(port, STATUS) == OK


def test_unplug_removes_the_port_and_replug_restores_it(sim: SimProc) -> None:
    link = Path(sim.device)
    sim.command("unplug")
    assert not link.exists()
    sim.command("replug")
    assert link.exists()
    with serial.Serial(sim.device, 115200, timeout=0.05) as port:
        assert ask(port, STATUS) == OK


def test_control_errors_are_refused(sim: SimProc) -> None:
    for words in (["place", "nobody"], ["fault", "gremlins"], ["fault", "checksum", "x"], ["dance"]):
        with pytest.raises(RuntimeError, match="refused"):
            sim.command(*words)


def test_custom_deck(tmp_path: Path) -> None:
    deck = tmp_path / "idcard_deck.toml"
    photo = bytes(range(256)) * 4
    (tmp_path / "captured.wlt").write_bytes(photo)
    deck.write_text(
        '[[card]]\nid = "one"\ntype = "resident"\nname = "测试"\ngender = "9"\nnation = "98"\n'
        'birth = "20000229"\naddress = "某地"\nnumber = "110101200002290017"\nissuer = "某局"\n'
        'valid_from = "20200101"\nvalid_to = "20300101"\nphoto_file = "captured.wlt"\n',
        encoding="utf-8",
    )
    with simulator(tmp_path, "fast", "--deck", str(deck)) as sim:
        assert sim.info["cards"] == ["one"]
        with pytest.raises(RuntimeError, match="no card 'elderly'"):
            sim.command("place", "elderly")
        sim.command("place", "one")
        with serial.Serial(sim.device, 115200, timeout=0.05) as port:
            ask(port, FIND)
            ask(port, SELECT)
            reply = ask(port, READ, want=1295)
        assert reply[270:1294] == photo  # a captured WLT is served as it is


def test_deck_validation(tmp_path: Path) -> None:
    bad = tmp_path / "idcard_bad.toml"
    bad.write_text('[[card]]\nid = "x"\ntype = "resident"\nname = "某"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="card x lacks"):
        load_deck(bad)
    bad.write_text('[[card]]\nid = "x"\ntype = "passport"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="type must be one of"):
        load_deck(bad)
    assert len(load_deck()) == 6  # the bundled deck
