"""SamSerialReader against the simulator process on a real pty: every card type end to end, placement and
removal, every fault mode, unplug/replug, self-test, status reasons and what logs show."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from drivers import registry
from drivers.base import Health, SettingsError
from drivers.idcard import (
    Card,
    CardDataError,
    CardReadInterrupted,
    ForeignResidentCard2017,
    ForeignResidentCard2023,
    FrameChecksumError,
    Gender,
    IdCardError,
    NumberCheck,
    ReaderNotFound,
    ReaderTimeout,
    ResidencePermit,
    ResidentCard,
    SamFault,
)
from drivers.idcard.sam import SamSerialReader
from kiosk.hall.policy import QueuePolicy, is_green_age
from tests.drivers.idcard_support import make_reader, sim_stats, simulator
from tests.drivers.simproc import SimProc, wait_for

TODAY = date(2026, 11, 23)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimProc]:
    with simulator(tmp_path) as s:
        yield s


@pytest.fixture
def reader(sim: SimProc) -> Iterator[SamSerialReader]:
    r = make_reader(sim.device)
    yield r
    r.close()


def read(sim: SimProc, reader: SamSerialReader, card_id: str, timeout: float = 3.0) -> Card:
    sim.command("place", card_id)
    card = reader.read_card(timeout)
    assert card is not None, f"{card_id} was not read"
    return card


def photo_of(card_id: str) -> bytes:
    return hashlib.shake_256(f"wlt:{card_id}".encode()).digest(1024)  # what the deck serves


# --- every card type ---------------------------------------------------------------------------------


def test_resident_cards(sim: SimProc, reader: SamSerialReader) -> None:
    elderly = read(sim, reader, "elderly")
    assert isinstance(elderly, ResidentCard)
    assert elderly.name == "赵桂兰" and elderly.name_en == ""
    assert elderly.gender is Gender.FEMALE and elderly.gender.label_zh == "女"
    assert (
        elderly.nation is not None and elderly.nation.code == "02" and elderly.nation.display_zh == "蒙古族"
    )
    assert elderly.birth_date == date(1953, 3, 12)
    assert elderly.number == "110101195303120043" and elderly.number_check is NumberCheck.OK
    assert elderly.address == "北京市东城区示例胡同甲12号"
    assert elderly.new_address == "北京市东城区幸福里小区3号楼2单元101"  # cmd 30 03
    assert elderly.issuer == "北京市公安局东城分局"
    assert elderly.valid_from == date(2013, 6, 1) and elderly.valid_to is None and elderly.long_term
    assert elderly.photo_wlt == photo_of("elderly") and elderly.photo is None
    assert elderly.age_on(TODAY) == 73
    assert is_green_age(elderly.birth_date, TODAY, QueuePolicy())  # green channel by age
    sim.command("remove")

    young = read(sim, reader, "young")
    assert isinstance(young, ResidentCard)
    assert young.name == "艾力江" and young.gender is Gender.MALE
    assert young.nation is not None and young.nation.display_zh == "维吾尔族"
    assert young.number == "65010220040925001X" and young.number_check is NumberCheck.OK
    assert young.valid_to == date(2032, 1, 15) and young.new_address == ""  # 91: no appended address
    assert young.age_on(TODAY) == 22 and not is_green_age(young.birth_date, TODAY, QueuePolicy())
    assert young.fingerprint == b""  # 30 01 was used


def test_foreign_permanent_resident_cards(sim: SimProc, reader: SamSerialReader) -> None:
    old = read(sim, reader, "foreign2017")
    assert isinstance(old, ForeignResidentCard2017)
    assert old.name_en == "LINDQVIST ERIK JOHAN" and old.name == "林德奎"
    assert old.gender is Gender.MALE and old.nationality == "SWE"
    assert old.number == "SWE310081050213" and old.number_check is NumberCheck.NOT_APPLICABLE
    assert old.birth_date == date(1981, 5, 2)
    assert (old.valid_from, old.valid_to) == (date(2018, 6, 1), date(2028, 6, 1))
    assert old.card_version == "01" and old.authority_code == "3100" and old.nation is None
    sim.command("remove")

    new = read(sim, reader, "foreign2023")
    assert isinstance(new, ForeignResidentCard2023)
    assert new.name == "韩丽莎"
    assert new.name_en == "HENDERSON-WILLIAMS ELIZABETH CHARLOTTE ANNE"  # 43 chars, split over two fields
    assert new.gender is Gender.FEMALE and new.nationality == "GBR"
    assert new.number == "911826199008150024" and new.number_check is NumberCheck.OK
    assert new.renewal_count == 1 and new.previous_number_link == "A07"
    assert new.birth_date == date(1990, 8, 15) and new.valid_to == date(2033, 12, 1)


def test_hmt_residence_permit(sim: SimProc, reader: SamSerialReader) -> None:
    card = read(sim, reader, "hmt")
    assert isinstance(card, ResidencePermit)
    assert card.name == "陈家明" and card.gender is Gender.MALE and card.nation is None
    assert card.number == "81000019880720001X" and card.number_check is NumberCheck.OK
    assert card.travel_permit_number == "H60012345" and card.issue_count == 2
    assert card.issuer == "深圳市公安局" and card.valid_to == date(2024, 3, 1)
    assert card.expired_on(TODAY)


def test_bad_check_digit_is_reported(sim: SimProc, reader: SamSerialReader) -> None:
    card = read(sim, reader, "badcheck")
    assert card.number_check is NumberCheck.BAD_CHECK_DIGIT
    problem = card.number_error()
    assert problem is not None and problem.code == "idcard.bad_check_digit"
    assert "check digit" in problem.message and "校验位错误" in problem.message_zh


def test_fingerprint_read_uses_30_10(sim: SimProc) -> None:
    reader = make_reader(sim.device, read_fingerprint=True)
    try:
        card = read(sim, reader, "young")
        assert len(card.fingerprint) == 1024 and "fingerprint=<1024 bytes>" in repr(card)
        sim.command("remove")
        assert read(sim, reader, "elderly").fingerprint == b""  # three length fields, F = 0
    finally:
        reader.close()


# --- placement and removal ---------------------------------------------------------------------------


def test_watch_reads_each_placement_once(sim: SimProc, reader: SamSerialReader) -> None:
    cards: list[Card] = []
    removed: list[float] = []
    reader.start(cards.append, lambda: removed.append(time.monotonic()))
    try:
        sim.command("place", "elderly")
        wait_for(lambda: len(cards) == 1, what="the first read")
        time.sleep(0.6)  # a dozen polls while the card rests
        assert len(cards) == 1 and not removed
        assert sim_stats(sim)["reads"] == 1

        sim.command("remove")
        wait_for(lambda: len(removed) == 1, what="removal")
        sim.command("place", "elderly")
        wait_for(lambda: len(cards) == 2, what="the read after re-placing")
        assert cards[1].name == "赵桂兰"

        sim.command("place", "young")  # swapped without a pause: removal, then the new card
        wait_for(lambda: len(cards) == 3, what="the swapped card")
        assert cards[2].name == "艾力江" and len(removed) == 2
        time.sleep(0.3)
        assert len(cards) == 3 and sim_stats(sim)["reads"] == 3
        with pytest.raises(RuntimeError, match="already"):
            reader.start(cards.append)
    finally:
        reader.stop()
    assert not reader.watching
    reader.stop()  # twice is fine


def test_read_card_never_returns_a_resting_card_twice(sim: SimProc, reader: SamSerialReader) -> None:
    assert reader.read_card(0.2) is None  # no card
    first = read(sim, reader, "hmt")
    assert reader.read_card(0.4) is None
    assert sim_stats(sim)["reads"] == 1
    sim.command("remove")
    assert reader.read_card(0.2) is None
    again = read(sim, reader, "hmt")
    assert again == first and sim_stats(sim)["reads"] == 2


def test_read_card_while_watching_takes_the_watchers_read(sim: SimProc, reader: SamSerialReader) -> None:
    seen: list[Card] = []
    reader.start(seen.append)
    try:
        results: list[Card | None] = []
        waiter = threading.Thread(target=lambda: results.append(reader.read_card(3.0)))
        waiter.start()
        time.sleep(0.1)
        sim.command("place", "foreign2023")
        waiter.join()
        assert results[0] is not None and results[0] == seen[0]
        assert sim_stats(sim)["reads"] == 1
        assert reader.read_card(0.2) is None
    finally:
        reader.stop()


# --- faults ------------------------------------------------------------------------------------------


def test_garbled_lines_are_resynced(sim: SimProc, reader: SamSerialReader) -> None:
    sim.command("fault", "garbled")
    card = read(sim, reader, "elderly")
    assert card.name == "赵桂兰"
    counters = reader.diagnostics()["counters"]
    assert counters["garbage_bytes"] > 0 and "checksum_errors" not in counters  # resynced, not retried
    status = reader.status()
    assert status.health is Health.DEGRADED and "unreliable link" in status.reason
    sim.command("fault", "none")
    wait_for(lambda: reader.read_card(0.05) is None and reader.status().health is Health.OK, what="OK")


def test_one_corrupted_reply_is_retried(sim: SimProc, reader: SamSerialReader) -> None:
    reader.open()
    sim.command("place", "young")
    sim.command("fault", "checksum", "1")
    card = reader.read_card(2.0)
    assert card is not None and card.name == "艾力江"
    assert reader.diagnostics()["counters"]["checksum_errors"] == 1
    assert reader.status().health is Health.DEGRADED


def test_wrong_checksums_raise_then_recover(sim: SimProc, reader: SamSerialReader) -> None:
    reader.open()
    sim.command("fault", "checksum")
    sim.command("place", "foreign2017")
    with pytest.raises(FrameChecksumError) as err:
        reader.read_card(0.5)
    assert err.value.code == "idcard.bad_checksum"
    status = reader.status()
    assert status.health is Health.FAULT and "checksum" in status.reason and status.reason_zh
    sim.command("fault", "none")
    card = reader.read_card(2.0)
    assert card is not None and card.name_en == "LINDQVIST ERIK JOHAN"
    assert reader.status().health is not Health.FAULT


def test_link_failure_during_the_read_asks_for_the_card_again(sim: SimProc, reader: SamSerialReader) -> None:
    reader.open()
    sim.command("place", "elderly")
    sim.command("fault", "checksum", "3", "read")  # every attempt at the 30 01 reply is corrupted
    with pytest.raises(CardReadInterrupted) as err:
        reader.read_card(2.0)
    assert "place the card again" in err.value.message and "请重新放置" in err.value.message_zh
    assert "checksum" in reader.status().reason
    # The SAM did read the card, so it stays silent: no duplicate read while it rests ...
    assert reader.read_card(0.3) is None
    assert reader.status().health is not Health.FAULT
    sim.command("remove")
    sim.command("place", "elderly")
    # ... and it is read again once placed again.
    card = reader.read_card(2.0)
    assert card is not None and card.name == "赵桂兰"


def test_no_sam(sim: SimProc, reader: SamSerialReader) -> None:
    sim.command("fault", "nosam")
    test = reader.self_test()
    assert not test.passed
    steps = {s.name: s for s in test.steps}
    assert steps["port opens"].passed
    assert not steps["SAM status (11 FF)"].passed
    assert steps["SAM status (11 FF)"].message == "SAM self-test failed (SW3 0x60)"
    status = reader.status()
    assert (status.health, status.reason) == (Health.FAULT, "SAM self-test failed (SW3 0x60)")
    assert "SAM自检失败" in status.reason_zh
    with pytest.raises(SamFault):
        reader.read_card(0.3)
    sim.command("fault", "none")
    assert reader.self_test().passed
    assert reader.status().health is Health.OK


def test_timeout_then_recovery(sim: SimProc, reader: SamSerialReader) -> None:
    reader.open()
    sim.command("fault", "timeout")
    with pytest.raises(ReaderTimeout):
        reader.read_card(0.5)
    status = reader.status()
    assert status.health is Health.FAULT
    assert status.reason.startswith(f"reader not responding at {sim.device}") and "retrying" in status.reason
    sim.command("fault", "none")
    card = read(sim, reader, "young")
    assert card.name == "艾力江"
    # A single lost reply costs one retry and leaves the link "degraded", not faulty.
    sim.command("remove")
    sim.command("fault", "timeout", "1")
    assert read(sim, reader, "elderly").name == "赵桂兰"
    assert reader.status().health is Health.DEGRADED


def test_unplug_and_replug_while_watching(sim: SimProc, reader: SamSerialReader) -> None:
    cards: list[Card] = []
    reader.start(cards.append)
    try:
        sim.command("place", "elderly")
        wait_for(lambda: len(cards) == 1, what="the first read")
        assert reader.status().health is Health.OK
        sim.command("unplug")
        wait_for(lambda: reader.status().health is Health.FAULT, what="the fault")
        status = reader.status()
        assert status.reason == "reader disconnected; retrying" and status.reason_zh
        time.sleep(0.5)  # several back-off rounds against a missing port
        assert reader.watching
        sim.command("remove")
        sim.command("replug")
        wait_for(lambda: reader.status().health is Health.OK, what="recovery")
        sim.command("place", "young")
        wait_for(lambda: len(cards) == 2, what="a read after replug")
        assert cards[1].name == "艾力江"
        assert reader.diagnostics()["counters"]["port_opens"] >= 2
    finally:
        reader.stop()


def test_reader_not_found(tmp_path: Path) -> None:
    missing = str(tmp_path / "ttyUSB9")
    reader = make_reader(missing)
    status = reader.status()
    assert (status.health, status.reason) == (Health.FAULT, f"reader not found at {missing}")
    test = reader.self_test()
    assert not test.passed and [s.name for s in test.steps] == ["port opens"]
    assert test.steps[0].message == f"reader not found at {missing}"
    with pytest.raises(ReaderNotFound):
        reader.read_card(0.2)
    assert reader.status().reason == f"reader not found at {missing}"


def test_self_test_and_status_when_healthy(sim: SimProc, reader: SamSerialReader) -> None:
    assert reader.status().health is Health.DEGRADED  # not contacted yet
    test = reader.self_test()
    assert test.passed, test.describe()
    assert [s.name for s in test.steps] == [
        "port opens",
        "SAM status (11 FF)",
        "SAM id (12 FF)",
        "find card (20 01)",
    ]
    assert re.fullmatch(r"\d{2}\.\d{2}-\d{8}-\d{10}-\d{10}", test.steps[2].message)
    status = reader.status()
    assert status.health is Health.OK and status.reason.startswith(f"reader ready at {sim.device}")
    sim.command("place", "elderly")
    assert "a card is on the reader" in reader.self_test().steps[3].message


def test_change_baud(sim: SimProc, reader: SamSerialReader) -> None:
    reader.open()
    reader.change_baud(57600)
    assert sim.command("stats")["baud"] == 57600
    assert read(sim, reader, "elderly").name == "赵桂兰"
    # The port is opened exclusively: a second program cannot talk over the driver.
    other = make_reader(sim.device, retries=0)
    try:
        step = other.self_test().steps[0]
        assert not step.passed and step.message.endswith("in use by another program")
        # Once it may open the port, still at 115200, it hears nothing the SAM (now at 57600) says.
        reader.close()
        test = other.self_test()
        assert not test.passed and "no reply" in test.steps[1].message
        assert sim_stats(sim)["wrong_baud"] >= 1
    finally:
        other.close()


def test_realistic_timing(tmp_path: Path) -> None:
    with simulator(tmp_path, "realistic") as sim:
        reader = SamSerialReader({"port": sim.device})  # the shipped defaults
        try:
            reader.open()
            sim.command("place", "elderly")
            started = time.monotonic()
            card = reader.read_card(5.0)
            took = time.monotonic() - started
            assert card is not None and card.name == "赵桂兰"
            assert 0.5 <= took <= 1.0, f"a read took {took:.2f} s"
        finally:
            reader.close()


# --- configuration and what people see ---------------------------------------------------------------


def test_registry_and_settings(sim: SimProc) -> None:
    drv = registry.create("idcard", {"driver": "sam-serial", "port": sim.device, "baud": 115200})
    assert isinstance(drv, SamSerialReader) and drv.kind == "idcard"
    with pytest.raises(SettingsError, match=r"devices\.idcard\.baud"):
        SamSerialReader({"port": sim.device, "baud": 12345})
    with pytest.raises(SettingsError, match=r"devices\.idcard\.poll_interval"):
        SamSerialReader({"poll_interval": 0})
    with pytest.raises(SettingsError, match=r"devices\.idcard\.wlt_library"):
        SamSerialReader({"wlt_library": "/nonexistent/libwlt2bmp.so"})


def test_nothing_personal_in_logs_status_or_diagnostics(
    sim: SimProc, reader: SamSerialReader, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cards: list[Card] = []
    reader.start(cards.append)
    try:
        for n, card_id in enumerate(("elderly", "foreign2017", "foreign2023", "hmt", "badcheck", "young"), 1):
            sim.command("place", card_id)
            wait_for(lambda n=n: len(cards) == n, what=card_id)
            sim.command("remove")
    finally:
        reader.stop()
    shown = "\n".join(
        [caplog.text, json.dumps(reader.diagnostics(), ensure_ascii=False), reader.status().reason]
        + [repr(c) for c in cards]
        + [str(c) for c in cards]
    )
    assert "card read" in caplog.text  # reads are logged, masked
    for card in cards:
        secrets = [card.name, card.number, card.birth_date.strftime("%Y%m%d"), card.birth_date.isoformat()]
        secrets += [card.name_en] if card.name_en else []
        secrets += [getattr(card, "address", "")] if getattr(card, "address", "") else []
        for secret in secrets:
            assert secret not in shown, f"{card.card_type}: personal data in output"
    assert "赵*兰" in caplog.text and "110101********0043" in caplog.text
    assert "L******** E*** J****" in caplog.text


def test_undecodable_card_is_reported_once_per_placement(tmp_path: Path) -> None:
    deck = tmp_path / "idcard_broken_deck.toml"
    deck.write_text(
        '[[card]]\nid = "broken"\ntype = "resident"\nname = "钱多多"\ngender = "1"\nnation = "01"\n'
        'birth = "19501332"\naddress = "某地"\nnumber = "110101195012310018"\nissuer = "某局"\n'
        'valid_from = "20200101"\nvalid_to = "长期"\n',
        encoding="utf-8",
    )
    with simulator(tmp_path, "fast", "--deck", str(deck)) as sim:
        reader = make_reader(sim.device)
        try:
            sim.command("place", "broken")
            with pytest.raises(CardDataError) as err:
                reader.read_card(2.0)
            assert "birth date" in err.value.message and "19501332" not in err.value.message
            assert "请重新放置" in err.value.message_zh
            assert reader.read_card(0.3) is None  # asked once for this placement, not on every poll

            errors: list[IdCardError] = []
            reader.start(lambda card: None, on_error=errors.append)
            sim.command("remove")
            sim.command("place", "broken")
            wait_for(lambda: len(errors) == 1, what="on_error")
            time.sleep(0.3)
            assert len(errors) == 1 and isinstance(errors[0], CardDataError)
            assert reader.status().health is Health.OK  # the reader is fine; the card is not
        finally:
            reader.close()
