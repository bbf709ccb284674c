"""The pure codec against the spec's own bytes: frames (§2.1, §3), SW3 codes (§4), text blocks (§5),
SAM id (§6), check digit (§9), and what a card shows when printed (masked)."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.idcard import codec
from drivers.idcard.cards import (
    NATIONS,
    ForeignResidentCard2017,
    ForeignResidentCard2023,
    Gender,
    ResidencePermit,
    ResidentCard,
)
from drivers.idcard.errors import (
    SW3_TABLE,
    CardDataError,
    CardReadError,
    FrameChecksumError,
    FrameLengthError,
    IdCardError,
    NoCard,
    NoContent,
    RequestRejected,
    SamFault,
    SamStatusError,
    SelectFailed,
)
from drivers.idcard.idnumber import NumberCheck, check_digit, check_number
from drivers.idcard.textblock import parse_text_block


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# --- frames ------------------------------------------------------------------------------------------

SPEC_REQUESTS = {
    "AA AA AA 96 69 00 03 10 FF EC": codec.reset_sam,
    "AA AA AA 96 69 00 03 11 FF ED": codec.sam_status,
    "AA AA AA 96 69 00 03 12 FF EE": codec.sam_id,
    "AA AA AA 96 69 00 03 20 01 22": codec.find_card,
    "AA AA AA 96 69 00 03 20 02 21": codec.select_card,
    "AA AA AA 96 69 00 03 30 01 32": codec.read_base,
    "AA AA AA 96 69 00 03 30 03 30": codec.read_new_address,
    "AA AA AA 96 69 00 03 30 10 23": codec.read_with_fingerprint,
}


@pytest.mark.parametrize("expected", SPEC_REQUESTS)
def test_request_builders_match_the_spec_frames(expected: str) -> None:
    assert SPEC_REQUESTS[expected]() == h(expected)


@pytest.mark.parametrize(
    ("baud", "frame"),
    [
        (115200, "AA AA AA 96 69 00 03 60 00 63"),
        (57600, "AA AA AA 96 69 00 03 60 01 62"),
        (38400, "AA AA AA 96 69 00 03 60 02 61"),
        (19200, "AA AA AA 96 69 00 03 60 03 60"),
        (9600, "AA AA AA 96 69 00 03 60 04 67"),
    ],
)
def test_set_baud_frames(baud: int, frame: str) -> None:
    assert codec.set_baud(baud) == h(frame)


def test_set_baud_refuses_rates_the_sam_lacks() -> None:
    with pytest.raises(ValueError, match="4800"):
        codec.set_baud(4800)


def test_rf_frame_size_request_and_checksum_arithmetic() -> None:
    assert codec.set_rf_frame_size(0x50) == h("AA AA AA 96 69 00 04 61 FF 50 CA")
    # §2.1 worked example: 00^03^11^FF = ED; the preamble is not part of the checksum.
    assert codec.checksum(h("00 03 11 FF")) == 0xED


@pytest.mark.parametrize(
    ("frame", "sw3", "data"),
    [
        ("AA AA AA 96 69 00 04 00 00 90 94", 0x90, b""),
        ("AA AA AA 96 69 00 04 00 00 60 64", 0x60, b""),
        ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, bytes(4)),
        ("AA AA AA 96 69 00 04 00 00 80 84", 0x80, b""),
        ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", 0x90, bytes(8)),
        ("AA AA AA 96 69 00 04 00 00 81 85", 0x81, b""),
        ("AA AA AA 96 69 00 04 00 00 41 45", 0x41, b""),
    ],
)
def test_spec_replies_decode(frame: str, sw3: int, data: bytes) -> None:
    frames = codec.FrameDecoder().feed(h(frame))
    assert len(frames) == 1
    resp = codec.Response.parse(frames[0].checked())
    assert (resp.sw1, resp.sw2, resp.sw3, resp.data) == (0, 0, sw3, data)
    assert resp.encode() == h(frame)


def test_decoder_takes_bytes_one_at_a_time() -> None:
    stream = codec.Response(0, 0, 0x90).encode() + codec.Response(0, 0, 0x9F, bytes(4)).encode()
    dec = codec.FrameDecoder()
    found = [f for byte in stream for f in dec.feed(bytes([byte]))]
    assert [codec.Response.parse(f.checked()).sw3 for f in found] == [0x90, 0x9F]
    assert dec.skipped == 0


def test_decoder_resyncs_after_garbage_and_a_damaged_preamble() -> None:
    # The corrupted capture quoted in spec §2: a stray 00 and a lost sync byte before the frame.
    reply = h("AA 00 AA AA 96 69 00 04 00 00 90 94")
    dec = codec.FrameDecoder()
    frames = dec.feed(h("13 37 AA AA 00 AA AA AA 96 00 FF") + reply)
    assert len(frames) == 1 and codec.Response.parse(frames[0].checked()).sw3 == 0x90
    assert dec.skipped > 0


def test_decoder_reports_a_bad_checksum_then_decodes_the_next_frame() -> None:
    bad = bytearray(codec.Response(0, 0, 0x90).encode())
    bad[-1] ^= 0xFF
    dec = codec.FrameDecoder()
    first, second = dec.feed(bytes(bad) + codec.Response(0, 0, 0x80).encode())
    assert not first.ok
    with pytest.raises(FrameChecksumError) as err:
        first.checked()
    assert err.value.code == "idcard.bad_checksum" and err.value.message_zh
    assert codec.Response.parse(second.checked()).sw3 == 0x80


def test_decoder_rejects_an_absurd_length_as_a_false_lock() -> None:
    dec = codec.FrameDecoder()
    frames = dec.feed(h("AA AA AA 96 69 FF FF 00") + codec.Response(0, 0, 0x90).encode())
    assert [codec.Response.parse(f.checked()).sw3 for f in frames] == [0x90]


def test_short_payloads_are_length_errors() -> None:
    with pytest.raises(FrameLengthError):
        codec.Response.parse(b"\x00\x00")
    with pytest.raises(FrameLengthError):
        codec.Request.parse(b"\x11")


# --- SW3 status codes (§4) ---------------------------------------------------------------------------

SPEC_SW3 = [0x90, 0x91, 0x9F, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x37, 0x3F, 0x40, 0x41, 0x47]
SPEC_SW3 += [0x60, 0x66, 0x80, 0x81]


def test_every_spec_status_code_is_described_in_english_and_chinese() -> None:
    assert set(SW3_TABLE) == set(SPEC_SW3)
    slugs = [s.slug for s in SW3_TABLE.values()]
    assert len(set(slugs)) == len(slugs)
    for code in SPEC_SW3:
        err = SamStatusError.from_sw3(code)
        assert isinstance(err, IdCardError)
        assert err.sw3 == code
        assert f"SW3 0x{code:02X}" in err.message and f"SW3 0x{code:02X}" in err.message_zh
        assert err.code.startswith("idcard.")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message_zh)


@pytest.mark.parametrize(
    ("codes", "cls"),
    [
        ([0x10, 0x11, 0x21, 0x23, 0x24], RequestRejected),
        ([0x31, 0x32, 0x33, 0x37, 0x3F, 0x40, 0x41, 0x47], CardReadError),
        ([0x60, 0x66], SamFault),
        ([0x80], NoCard),
        ([0x81], SelectFailed),
        ([0x91], NoContent),
    ],
)
def test_status_codes_map_to_typed_errors(codes: list[int], cls: type[SamStatusError]) -> None:
    for code in codes:
        assert type(SamStatusError.from_sw3(code)) is cls


def test_self_test_failure_reads_as_the_status_reason() -> None:
    err = SamStatusError.from_sw3(0x60)
    assert err.message == "SAM self-test failed (SW3 0x60)"
    assert "SAM自检失败" in err.message_zh


def test_read_failure_asks_to_place_the_card_again() -> None:
    err = SamStatusError.from_sw3(0x41)
    assert "place the card again" in err.message and "请重新放置" in err.message_zh


def test_unknown_status_is_still_typed() -> None:
    err = SamStatusError.from_sw3(0x77)
    assert type(err) is SamStatusError and "0x77" in err.message


def test_expect_passes_or_raises_the_typed_error() -> None:
    assert codec.Response(0, 0, 0x9F).expect(0x9F, 0x80).sw3 == 0x9F
    with pytest.raises(SamFault):
        codec.Response(0, 0, 0x60).expect(0x90)


# --- SAM id (§6) -------------------------------------------------------------------------------------


def test_sam_id_is_little_endian_and_formatted() -> None:
    data = codec.encode_sam_id(5, 1, 20240123, 1234567890, 42)
    assert data[:2] == b"\x05\x00"
    assert codec.parse_sam_id(data) == "05.01-20240123-1234567890-0000000042"
    with pytest.raises(FrameLengthError):
        codec.parse_sam_id(data[:15])


# --- check digit (§9) --------------------------------------------------------------------------------


def test_check_digit_worked_examples() -> None:
    assert check_digit("11010519491231002") == "X"
    assert check_number("11010519491231002X") is NumberCheck.OK
    assert check_number("11010519491231002x") is NumberCheck.OK
    assert check_number("931586198001010028") is NumberCheck.OK  # 2023 foreign card sample
    assert check_number("110105194912310021") is NumberCheck.BAD_CHECK_DIGIT
    assert check_number("11010519491231002") is NumberCheck.MALFORMED
    assert check_number("1101051949123100AX") is NumberCheck.MALFORMED


# --- text blocks (§5), built here field by field in spec order ---------------------------------------


def u(text: str, chars: int) -> bytes:
    """A fixed-width UTF-16LE field, space padded as on the card."""
    assert len(text) <= chars
    return text.ljust(chars).encode("utf-16-le")


def resident_block(number: str = "11010519491231002X", valid_to: str = "长期", nation: str = "46") -> bytes:
    block = (
        u("张三丰", 15)
        + u("1", 1)
        + u(nation, 2)
        + u("19491231", 8)
        + u("北京市西城区测试路1号", 35)
        + u(number, 18)
        + u("北京市公安局西城分局", 15)
        + u("20100101", 8)
        + u(valid_to, 8)
        + u("", 18)
    )
    assert len(block) == 256 and block[248:250] == b" \x00"
    return block


def test_resident_block() -> None:
    card = parse_text_block(resident_block(), b"\x01" * 1024)
    assert isinstance(card, ResidentCard)
    assert card.name == "张三丰" and card.gender is Gender.MALE
    assert card.nation is not None and card.nation.display_zh == "德昂族"
    assert card.birth_date == date(1949, 12, 31)
    assert card.address == "北京市西城区测试路1号"
    assert card.number == "11010519491231002X" and card.number_check is NumberCheck.OK
    assert card.issuer == "北京市公安局西城分局"
    assert card.valid_from == date(2010, 1, 1)
    assert card.valid_to is None and card.long_term  # 长期
    assert card.photo_wlt == b"\x01" * 1024 and card.photo is None
    assert card.age_on(date(2009, 12, 30)) == 59 and card.age_on(date(2009, 12, 31)) == 60
    assert not card.expired_on(date(2099, 1, 1))


def test_dated_validity_and_expiry() -> None:
    card = parse_text_block(resident_block(valid_to="20200101"))
    assert card.valid_to == date(2020, 1, 1) and not card.long_term
    assert card.expired_on(date(2020, 1, 2)) and not card.expired_on(date(2020, 1, 1))


def test_bad_check_digit_is_flagged_with_a_message_for_the_kiosk() -> None:
    card = parse_text_block(resident_block(number="110105194912310021"))
    assert card.number_check is NumberCheck.BAD_CHECK_DIGIT
    err = card.number_error()
    assert err is not None and err.code == "idcard.bad_check_digit"
    assert "check digit" in err.message and "校验位" in err.message_zh


def test_hmt_permit_block() -> None:
    block = (
        u("李港生", 15)
        + u("2", 1)
        + u("", 2)
        + u("19900101", 8)
        + u("广东省深圳市测试路2号", 35)
        + u("810000199001010020", 18)
        + u("深圳市公安局", 15)
        + u("20200101", 8)
        + u("20250101", 8)
        + u("H12345678", 9)
        + u("03", 2)
        + u("", 3)
        + u("J", 1)
        + u("", 3)
    )
    card = parse_text_block(block)
    assert isinstance(card, ResidencePermit)
    assert card.gender is Gender.FEMALE and card.nation is None
    assert card.travel_permit_number == "H12345678" and card.issue_count == 3
    assert card.number_check is check_number("810000199001010020")


def test_foreign_2017_block() -> None:
    block = (
        u("MUSTERMANN ERIKA", 60)
        + u("2", 1)
        + u("DEU110070101001", 15)
        + u("DEU", 3)
        + u("穆艾丽", 15)
        + u("20170601", 8)
        + u("20270601", 8)
        + u("19700101", 8)
        + u("01", 2)
        + u("1100", 4)
        + u("I", 1)
        + u("", 3)
    )
    card = parse_text_block(block)
    assert isinstance(card, ForeignResidentCard2017)
    assert card.name_en == "MUSTERMANN ERIKA" and card.name == "穆艾丽"
    assert card.nationality == "DEU" and card.birth_date == date(1970, 1, 1)
    assert card.card_version == "01" and card.authority_code == "1100"
    assert card.number_check is NumberCheck.NOT_APPLICABLE and card.number_error() is None


def test_foreign_2023_block_joins_the_split_english_name() -> None:
    name_en = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGH IJKLMNOPQR"  # 46 characters: both parts full
    block = (
        u("穆艾丽", 15)
        + u("2", 1)
        + u("02", 2)
        + u("19800101", 8)
        + u(name_en[:35], 35)
        + u("931586198001010028", 18)
        + u("", 15)
        + u("20230601", 8)
        + u("20330601", 8)
        + u(name_en[35:], 11)
        + u("DEU", 3)
        + u("Y", 1)
        + u("X1Z", 3)
    )
    card = parse_text_block(block)
    assert isinstance(card, ForeignResidentCard2023)
    assert card.name_en == name_en and card.renewal_count == 2
    assert card.nationality == "DEU" and card.previous_number_link == "X1Z"
    assert card.number_check is NumberCheck.OK


@pytest.mark.parametrize(
    ("offset", "value", "field"),
    [
        (30, "5", "gender"),
        (32, "99", "nation"),
        (36, "19491332", "birth date"),
        (36, "1949123 ", "birth date"),
        (188, "长期", "valid from"),
    ],
)
def test_bad_fields_are_named_without_their_content(offset: int, value: str, field: str) -> None:
    block = bytearray(resident_block())
    raw = value.encode("utf-16-le")
    block[offset : offset + len(raw)] = raw
    with pytest.raises(CardDataError) as err:
        parse_text_block(bytes(block))
    assert field in err.value.message and value.strip() not in err.value.message


def test_short_block_and_broken_utf16_are_card_data_errors() -> None:
    with pytest.raises(CardDataError):
        parse_text_block(resident_block()[:200])
    block = bytearray(resident_block())
    block[0:2] = b"\x00\xd8"  # a lone surrogate
    with pytest.raises(CardDataError, match="name"):
        parse_text_block(bytes(block))


def test_nation_table_is_complete() -> None:
    assert len(NATIONS) == 58
    assert NATIONS["01"] == "汉" and NATIONS["56"] == "基诺" and NATIONS["46"] == "德昂"
    assert NATIONS["97"] == "其他" and NATIONS["98"] == "外国血统中国籍人士"


@pytest.mark.parametrize(
    ("code", "gender"), [("0", Gender.UNKNOWN), ("9", Gender.UNSPECIFIED), ("2", Gender.FEMALE)]
)
def test_gender_codes(code: str, gender: Gender) -> None:
    block = bytearray(resident_block())
    block[30:32] = code.encode("utf-16-le")
    assert parse_text_block(bytes(block)).gender is gender


# --- the read reply uses its own length fields -------------------------------------------------------


def test_read_reply_is_cut_by_its_length_fields() -> None:
    text, photo = resident_block(), bytes(range(256)) * 4
    data = b"\x01\x00\x04\x00" + text + photo
    # The spec's frame prefix for a 30 01 reply: LEN 0x0508, then the two lengths.
    assert codec.Response(0, 0, 0x90, data).encode()[:14] == h("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    card = codec.parse_read_reply(data)
    assert card.photo_wlt == photo and card.fingerprint == b""
    # A reader that sends a shorter photo: the length field, not a constant, decides.
    card = codec.parse_read_reply(b"\x01\x00\x00\x10" + text + photo[:16])
    assert card.photo_wlt == photo[:16]
    fp = b"\x07" * 512
    card = codec.parse_read_reply(b"\x01\x00\x04\x00\x02\x00" + text + photo + fp, with_fingerprint=True)
    assert card.fingerprint == fp and card.photo_wlt == photo


def test_read_reply_with_inconsistent_lengths_is_refused() -> None:
    with pytest.raises(FrameLengthError):
        codec.parse_read_reply(b"\x01\x00\x04\x00" + resident_block())
    with pytest.raises(FrameLengthError):
        codec.parse_read_reply(b"\x01")


# --- what a log line would show ----------------------------------------------------------------------


def test_repr_and_str_mask_personal_data() -> None:
    card = parse_text_block(resident_block(), b"\x00" * 1024)
    for shown in (repr(card), str(card), f"{card}", repr([card])):
        assert "张三丰" not in shown and "11010519491231002X" not in shown
        assert "19491231" not in shown and "1949-12-31" not in shown
        assert "测试路" not in shown and "德昂" not in shown
        assert "张*丰" in shown and "110105********002X" in shown
        assert "photo_wlt=<1024 bytes>" in shown
    foreign = parse_text_block(
        u("MUSTERMANN ERIKA", 60) + u("2", 1) + u("DEU110070101001", 15) + u("DEU", 3) + u("", 15)
        + u("20170601", 8) + u("20270601", 8) + u("19700101", 8) + u("01", 2) + u("1100", 4) + u("I", 1)
        + u("", 3)
    )  # fmt: skip
    assert "MUSTERMANN" not in repr(foreign) and "ERIKA" not in repr(foreign)
    assert "DEU110070101001" not in repr(foreign)
