"""Whatever status byte the SAM answers, a placed card ends in the card or a typed error the kiosk can
show, and status() says when the reader keeps failing: against the simulator process on a real pty."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drivers.base import Health
from drivers.idcard import Card, CardReadError, CardReadInterrupted, IdCardError, SamFault, codec
from drivers.idcard.answers import CARD_REFUSALS, is_reader_trouble, refusal
from drivers.idcard.errors import SUCCESS_CODES, SW3_TABLE, AddressUnread, SelectFailed, UnexpectedStatus
from drivers.idcard.sam import SamSerialReader
from tests.drivers.idcard_support import make_reader, simulator
from tests.drivers.simproc import SimProc, wait_for

CODE = re.compile(r"idcard\.[a-z_0-9]+")
SUCCESS_SLUGS = {f"idcard.{SW3_TABLE[c].slug}" for c in SUCCESS_CODES}
CARD_COMMANDS = {"find": codec.FIND, "select": codec.SELECT, "read": codec.READ_BASE}
CARD_COMMANDS["address"] = codec.READ_NEW_ADDRESS

Outcome = Card | IdCardError | None


def attempt(reader: SamSerialReader, timeout: float) -> Outcome:
    try:
        return reader.read_card(timeout)
    except IdCardError as exc:
        return exc


def assert_shown_to_people(err: IdCardError) -> None:
    assert CODE.fullmatch(err.code) and err.code not in SUCCESS_SLUGS, err.code
    assert err.message and err.message_zh and err.message != err.message_zh


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimProc]:
    with simulator(tmp_path) as s:
        yield s


@pytest.fixture
def reader(sim: SimProc) -> Iterator[SamSerialReader]:
    r = make_reader(sim.device)
    r.open()
    yield r
    r.close()


# --- the pure table --------------------------------------------------------------------------------


@given(st.sampled_from([*codec.COMMAND_NAMES, (codec.SET_BAUD, 0)]), st.integers(0, 255))
def test_every_refusal_is_typed_and_never_named_after_a_success(cmd: tuple[int, int], sw3: int) -> None:
    err = refusal(cmd, sw3)
    assert_shown_to_people(err)
    assert not re.search(r"[a-z]{3,}", err.message_zh), err.message_zh  # Chinese for hall staff
    expected = sw3 in CARD_REFUSALS.get(cmd, frozenset())
    assert is_reader_trouble(err) is not expected


# --- the defects, one by one -----------------------------------------------------------------------


@pytest.mark.parametrize("sw3", [0x24, 0x91, 0x80, 0x9F, 0x55, 0x66])
def test_a_read_answered_outside_the_card_errors_is_reported(
    sim: SimProc, reader: SamSerialReader, sw3: int
) -> None:
    sim.command("fault", "sw3", f"{sw3:02X}", "1", "read")
    sim.command("place", "elderly")
    with pytest.raises(IdCardError) as err:
        reader.read_card(1.0)
    assert isinstance(err.value, CardReadInterrupted)  # the kiosk asks for the card again
    assert f"SW3 0x{sw3:02X}" in err.value.message and "请重新放置" in err.value.message_zh
    status = reader.status()
    assert status.health is Health.FAULT and f"SW3 0x{sw3:02X}" in status.reason and status.reason_zh
    # The read spent the card; once placed again it is read and the reader is fine again.
    sim.command("remove")
    assert reader.read_card(0.2) is None
    sim.command("place", "elderly")
    card = reader.read_card(2.0)
    assert card is not None and card.name == "赵桂兰"
    assert reader.status().health is Health.OK


def test_errors_of_a_watched_read_reach_on_error(sim: SimProc, reader: SamSerialReader) -> None:
    errors: list[IdCardError] = []
    cards: list[Card] = []
    reader.start(cards.append, on_error=errors.append)
    try:
        sim.command("fault", "sw3", "55", "1", "read")
        sim.command("place", "young")
        wait_for(lambda: len(errors) == 1, what="on_error")
        assert errors[0].code == "idcard.read_interrupted" and not cards
        assert isinstance(errors[0], CardReadInterrupted) and isinstance(errors[0].cause, UnexpectedStatus)
    finally:
        reader.stop()


@pytest.mark.parametrize(("fault", "cause"), [(("sw3", "41"), CardReadError), (("short",), IdCardError)])
def test_a_failed_appended_address_read_fails_the_card(
    sim: SimProc, reader: SamSerialReader, fault: tuple[str, ...], cause: type[IdCardError]
) -> None:
    sim.command("fault", *fault, "1", "address")
    sim.command("place", "elderly")  # a card whose address was changed: the printed one is out of date
    with pytest.raises(AddressUnread) as err:
        reader.read_card(1.0)
    assert isinstance(err.value.cause, cause)
    assert err.value.code == "idcard.new_address_unread" and "最新住址" in err.value.message_zh
    sim.command("remove")
    assert reader.read_card(0.2) is None
    sim.command("place", "elderly")
    card = reader.read_card(2.0)
    assert card is not None and card.new_address == "北京市东城区幸福里小区3号楼2单元101"


def test_find_answered_with_success_is_an_unexpected_status(sim: SimProc, reader: SamSerialReader) -> None:
    sim.command("fault", "sw3", "90", "find")
    sim.command("place", "young")
    with pytest.raises(UnexpectedStatus) as err:
        reader.read_card(0.5)
    assert err.value.code == "idcard.unexpected_status"
    assert "find card (20 01)" in err.value.message and "SW3 0x90" in err.value.message
    assert err.value.message_zh == "身份证阅读器对寻卡(20 01)的应答状态异常(SW3 0x90,操作成功)"
    status = reader.status()
    assert status.health is Health.FAULT and "find card (20 01)" in status.reason and status.reason_zh
    sim.command("fault", "none")
    card = reader.read_card(2.0)
    assert card is not None and reader.status().health is Health.OK


def test_an_unknown_status_on_every_find_shows_in_status(sim: SimProc, reader: SamSerialReader) -> None:
    sim.command("fault", "sw3", "55", "find")
    assert isinstance(attempt(reader, 0.4), UnexpectedStatus)
    status = reader.status()
    assert (status.health, status.details["error"]) == (Health.FAULT, "idcard.unexpected_status")


@pytest.mark.parametrize("fault", [("short",), ("sw3", "55")], ids=["short", "sw3-55"])
def test_a_bad_sam_id_neither_blocks_reads_nor_hides(sim: SimProc, fault: tuple[str, ...]) -> None:
    sim.command("fault", *fault, "samid")
    reader = make_reader(sim.device)
    try:
        reader.open()
        sim.command("place", "young")
        card = reader.read_card(2.0)
        assert card is not None and card.name == "艾力江"
        status = reader.status()
        assert status.health is Health.DEGRADED
        assert "SAM id" in status.reason and "SAM编号" in status.reason_zh
        assert not reader.self_test().passed
        sim.command("fault", "none")
        assert reader.read_card(0.2) is None  # a poll asks for the id again
        status = reader.status()
        assert status.health is Health.OK
        assert status.details["sam_id"] == "05.01-20240123-1234567890-3141592653"
    finally:
        reader.close()


def test_a_card_that_never_selects_is_told_once(sim: SimProc, reader: SamSerialReader) -> None:
    sim.command("fault", "sw3", "81", "select")
    sim.command("place", "young")
    with pytest.raises(SelectFailed) as err:
        reader.read_card(1.0)
    assert "请重新放置" in err.value.message_zh
    assert reader.read_card(0.4) is None  # not again for the same placement
    sim.command("fault", "none")
    sim.command("remove")
    sim.command("place", "young")
    assert isinstance(reader.read_card(2.0), Card)


def test_cards_failing_in_a_row_make_the_reader_degraded(sim: SimProc, reader: SamSerialReader) -> None:
    sim.command("fault", "sw3", "41", "read")
    for n in range(1, 4):
        sim.command("place", "young")
        assert isinstance(attempt(reader, 1.0), CardReadError)
        status = reader.status()
        assert status.health is (Health.OK if n < 3 else Health.DEGRADED)
        sim.command("remove")
        assert reader.read_card(0.2) is None
    assert "the last 3 cards could not be read" in status.reason and "连续3张" in status.reason_zh
    sim.command("fault", "none")
    sim.command("place", "young")
    assert isinstance(reader.read_card(2.0), Card)
    assert reader.status().health is Health.OK


def test_a_sam_that_fails_during_select_is_a_fault_and_a_shown_error(
    sim: SimProc, reader: SamSerialReader
) -> None:
    sim.command("fault", "sw3", "66", "select")
    sim.command("place", "young")
    outcome = attempt(reader, 1.0)
    assert isinstance(outcome, CardReadInterrupted) and isinstance(outcome.cause, SamFault)
    assert reader.status().health is Health.FAULT


# --- any status byte to any command of a card's session --------------------------------------------


@pytest.fixture(scope="module")
def shared_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProc]:
    with simulator(tmp_path_factory.mktemp("sam")) as s:
        yield s


def may_see_nothing(command: str, sw3: int, placement: int) -> bool:
    """A reply that makes a card look absent: find's own "no card", or a 30 03 that says "still there"
    after the first placement (how the driver tells a resting card from a new one, spec §8)."""
    return (command, sw3) == ("find", 0x80) or (command == "address" and sw3 in (0x90, 0x91) and placement)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(sorted(CARD_COMMANDS)), sw3=st.integers(0, 255))
@example(command="read", sw3=0x24)
@example(command="read", sw3=0x91)
@example(command="read", sw3=0x80)
@example(command="read", sw3=0x9F)
@example(command="read", sw3=0x55)
@example(command="read", sw3=0x66)
@example(command="find", sw3=0x90)
@example(command="find", sw3=0x10)
@example(command="address", sw3=0x30)
@example(command="address", sw3=0x90)
@example(command="select", sw3=0x81)
def test_any_status_ends_in_a_card_or_a_typed_error_and_status_follows(
    shared_sim: SimProc, command: str, sw3: int
) -> None:
    sim = shared_sim
    sim.command("fault", "none")
    sim.command("remove")
    reader = make_reader(sim.device)
    try:
        reader.open()
        sim.command("fault", "sw3", f"{sw3:02X}", command)
        outcomes: list[Outcome] = []
        for placement in range(3):
            sim.command("place", "elderly")
            outcome = attempt(reader, 0.8)  # ample for a fast simulator on a busy machine
            outcomes.append(outcome)
            if isinstance(outcome, IdCardError):
                assert_shown_to_people(outcome)
            elif outcome is None:
                assert may_see_nothing(command, sw3, placement), f"placement {placement} vanished"
            sim.command("remove")
            attempt(reader, 0.1)  # a poll that sees the card go
        status = reader.status()
        # Every placement refused: the reader must say so. (A faulty 30 03 answer of 90/91 makes the removal
        # itself unseeable, so later placements may look like the same resting card: not a failure to count.)
        if all(isinstance(o, IdCardError) for o in outcomes):
            assert status.health in (Health.DEGRADED, Health.FAULT), status
            assert status.reason and status.reason_zh and status.reason != status.reason_zh

        sim.command("fault", "none")
        attempt(reader, 0.1)
        sim.command("place", "elderly")
        card = reader.read_card(2.0)
        assert card is not None and card.new_address == "北京市东城区幸福里小区3号楼2单元101"
        status = reader.status()
        noisy = sw3 in (0x10, 0x11) and status.reason.startswith("unreliable link")  # resent, as they ask
        assert status.health is Health.OK or (noisy and status.health is Health.DEGRADED), status
    finally:
        reader.close()
