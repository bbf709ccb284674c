"""Parsing of the 256-byte text block of a read (spec §5): fixed-width UTF-16LE fields, space padded.

Pure: bytes in, a typed Card out, or CardDataError naming the field (never its content).
"""

from __future__ import annotations

from datetime import date

from drivers.idcard.cards import (
    NATIONS,
    Card,
    ForeignResidentCard2017,
    ForeignResidentCard2023,
    Gender,
    Nation,
    ResidencePermit,
    ResidentCard,
)
from drivers.idcard.errors import CardDataError
from drivers.idcard.idnumber import check_foreign_2017, check_number

TEXT_SIZE = 256
FLAG_OFFSET = 248  # character 124: "I", "J", "Y" or a space for a resident card (§5.1)
LONG_TERM = "长期"


class _Fields:
    def __init__(self, block: bytes) -> None:
        self.block = block

    def text(self, off: int, size: int, name: str) -> str:
        try:
            value = self.block[off : off + size].decode("utf-16-le")
        except UnicodeDecodeError:
            raise CardDataError(f"card field {name} is not valid UTF-16") from None
        # Some writers pad with NUL instead of spaces; neither is part of the value.
        return value.rstrip(" \x00")

    def date(self, off: int, name: str, *, long_term: bool = False) -> date | None:
        value = self.text(off, 16, name)
        if long_term and value == LONG_TERM:
            return None
        if len(value) != 8 or not (value.isascii() and value.isdigit()):
            raise CardDataError(f"card field {name} is not a date (YYYYMMDD)")
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise CardDataError(f"card field {name} is not a valid calendar date") from None

    def required_date(self, off: int, name: str) -> date:
        value = self.date(off, name)
        assert value is not None  # long_term=False never yields None
        return value

    def gender(self, off: int) -> Gender:
        code = self.text(off, 2, "gender")
        try:
            return Gender(code)
        except ValueError:
            raise CardDataError("card field gender is not a GB/T 2261.1 code (0/1/2/9)") from None

    def count(self, off: int, size: int, name: str) -> int | None:
        value = self.text(off, size, name).strip()
        return int(value) if value.isascii() and value.isdigit() else None


def parse_text_block(block: bytes, photo_wlt: bytes = b"", fingerprint: bytes = b"") -> Card:
    """The card the text block describes; its type comes from the flag at byte 248 (§5.1)."""
    if len(block) < TEXT_SIZE:
        raise CardDataError(f"card text block is {len(block)} bytes, expected {TEXT_SIZE}")
    f = _Fields(block)
    flag = f.text(FLAG_OFFSET, 2, "card type flag")
    common = {"photo_wlt": photo_wlt, "fingerprint": fingerprint}
    if flag == "I":
        return _foreign_2017(f, common)
    if flag == "Y":
        return _foreign_2023(f, common)
    if flag == "J":
        return _hmt(f, common)
    return _resident(f, common)


def _resident(f: _Fields, common: dict[str, bytes]) -> ResidentCard:
    code = f.text(32, 4, "nation")
    if code not in NATIONS:
        raise CardDataError("card field nation is not a GB/T 3304 code")
    number = f.text(122, 36, "number")
    return ResidentCard(
        name=f.text(0, 30, "name"),
        gender=f.gender(30),
        nation=Nation(code, NATIONS[code]),
        birth_date=f.required_date(36, "birth date"),
        address=f.text(52, 70, "address"),
        number=number,
        number_check=check_number(number),
        issuer=f.text(158, 30, "issuer"),
        valid_from=f.required_date(188, "valid from"),
        valid_to=f.date(204, "valid to", long_term=True),
        **common,
    )


def _hmt(f: _Fields, common: dict[str, bytes]) -> ResidencePermit:
    number = f.text(122, 36, "number")
    return ResidencePermit(
        name=f.text(0, 30, "name"),
        gender=f.gender(30),
        birth_date=f.required_date(36, "birth date"),
        address=f.text(52, 70, "address"),
        number=number,
        number_check=check_number(number),
        issuer=f.text(158, 30, "issuer"),
        valid_from=f.required_date(188, "valid from"),
        valid_to=f.date(204, "valid to", long_term=True),
        travel_permit_number=f.text(220, 18, "travel permit number"),
        issue_count=f.count(238, 4, "issue count"),
        **common,
    )


def _foreign_2017(f: _Fields, common: dict[str, bytes]) -> ForeignResidentCard2017:
    number = f.text(122, 30, "number")
    return ForeignResidentCard2017(
        name_en=f.text(0, 120, "English name"),
        gender=f.gender(120),
        number=number,
        number_check=check_foreign_2017(number),
        nationality=f.text(152, 6, "nationality"),
        name=f.text(158, 30, "name"),
        valid_from=f.required_date(188, "valid from"),
        valid_to=f.date(204, "valid to", long_term=True),
        birth_date=f.required_date(220, "birth date"),
        card_version=f.text(236, 4, "card version"),
        authority_code=f.text(240, 8, "authority code"),
        **common,
    )


def _foreign_2023(f: _Fields, common: dict[str, bytes]) -> ForeignResidentCard2023:
    number = f.text(122, 36, "number")
    # The English name is split: characters 1-35 at 52, 36-46 at 220. The first part is only padded
    # when the name is short, so join the raw parts before stripping.
    head = f.block[52:122]
    tail = f.block[220:242]
    name_en = _Fields(head + tail).text(0, 92, "English name")
    return ForeignResidentCard2023(
        name=f.text(0, 30, "name"),
        gender=f.gender(30),
        renewal_count=f.count(32, 4, "renewal count"),
        birth_date=f.required_date(36, "birth date"),
        name_en=name_en,
        number=number,
        number_check=check_number(number),
        valid_from=f.required_date(188, "valid from"),
        valid_to=f.date(204, "valid to", long_term=True),
        nationality=f.text(242, 6, "nationality"),
        previous_number_link=f.text(250, 6, "previous number link"),
        **common,
    )
