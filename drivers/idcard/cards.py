"""The typed values a read produces: one dataclass per card type over a common `Card` base.

Cards hold personal data and live only in memory. Their repr/str mask the name and the number
(drivers.privacy) and leave out birth date, address and nation, so logging a card never leaks who it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from drivers.idcard.errors import InvalidIdNumber
from drivers.idcard.idnumber import NumberCheck
from drivers.privacy import mask_id_number, mask_name


class CardType(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    HMT_PERMIT = "hmt_permit"  # 港澳台居民居住证, flag "J"
    FOREIGN_2017 = "foreign_2017"  # 外国人永久居留身份证 (2017), flag "I"
    FOREIGN_2023 = "foreign_2023"  # 外国人永久居留身份证 (2023), flag "Y"


class Gender(StrEnum):
    """GB/T 2261.1 codes as stored on the card (spec §5.6)."""

    UNKNOWN = "0"
    MALE = "1"
    FEMALE = "2"
    UNSPECIFIED = "9"

    @property
    def label_en(self) -> str:
        return {"0": "unknown", "1": "male", "2": "female", "9": "unspecified"}[self.value]

    @property
    def label_zh(self) -> str:
        return {"0": "未知", "1": "男", "2": "女", "9": "未说明"}[self.value]


# GB/T 3304 (spec §5.7). 46 is 德昂 (one source misspells it 德昴).
NATIONS: dict[str, str] = {
    "01": "汉",
    "02": "蒙古",
    "03": "回",
    "04": "藏",
    "05": "维吾尔",
    "06": "苗",
    "07": "彝",
    "08": "壮",
    "09": "布依",
    "10": "朝鲜",
    "11": "满",
    "12": "侗",
    "13": "瑶",
    "14": "白",
    "15": "土家",
    "16": "哈尼",
    "17": "哈萨克",
    "18": "傣",
    "19": "黎",
    "20": "傈僳",
    "21": "佤",
    "22": "畲",
    "23": "高山",
    "24": "拉祜",
    "25": "水",
    "26": "东乡",
    "27": "纳西",
    "28": "景颇",
    "29": "柯尔克孜",
    "30": "土",
    "31": "达斡尔",
    "32": "仫佬",
    "33": "羌",
    "34": "布朗",
    "35": "撒拉",
    "36": "毛南",
    "37": "仡佬",
    "38": "锡伯",
    "39": "阿昌",
    "40": "普米",
    "41": "塔吉克",
    "42": "怒",
    "43": "乌孜别克",
    "44": "俄罗斯",
    "45": "鄂温克",
    "46": "德昂",
    "47": "保安",
    "48": "裕固",
    "49": "京",
    "50": "塔塔尔",
    "51": "独龙",
    "52": "鄂伦春",
    "53": "赫哲",
    "54": "门巴",
    "55": "珞巴",
    "56": "基诺",
    "97": "其他",
    "98": "外国血统中国籍人士",
}


@dataclass(frozen=True, slots=True)
class Nation:
    code: str  # "01".."56", "97", "98"
    name_zh: str

    @property
    def display_zh(self) -> str:
        """As printed on the card: 汉族, 蒙古族 … (97/98 take no 族)."""
        return self.name_zh + ("族" if self.code <= "56" else "")

    def __repr__(self) -> str:
        return "Nation(***)"  # ethnicity is sensitive personal information

    __str__ = __repr__


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Card:
    """What every card type carries. `valid_to is None` means 长期 (long-term)."""

    card_type: ClassVar[CardType]

    name: str  # Chinese name as printed (may be empty on a 2017 foreign card)
    name_en: str = ""
    gender: Gender
    birth_date: date
    number: str  # 公民身份号码 / 永久居留身份证号码
    number_check: NumberCheck
    valid_from: date
    valid_to: date | None
    issuer: str = ""
    nation: Nation | None = None
    photo_wlt: bytes = b""  # the card's 1024-byte WLT photo, opaque
    photo: bytes | None = None  # BMP from the vendor decoder plug-in, when one is configured
    fingerprint: bytes = b""  # only with read_fingerprint = true

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    def expired_on(self, day: date) -> bool:
        return self.valid_to is not None and day > self.valid_to

    def number_error(self) -> InvalidIdNumber | None:
        """What the kiosk shows when the number is not trustworthy, or None."""
        if self.number_check is NumberCheck.BAD_CHECK_DIGIT:
            return InvalidIdNumber("check digit")
        if self.number_check is NumberCheck.MALFORMED:
            return InvalidIdNumber("malformed")
        return None

    def __repr__(self) -> str:
        parts = [f"name={mask_name(self.name)!r}"]
        if self.name_en:
            parts.append(f"name_en={mask_name(self.name_en)!r}")
        parts += [
            f"number={mask_id_number(self.number)!r}",
            f"number_check={self.number_check.value}",
            f"gender={self.gender.label_en}",
            f"valid_to={'long-term' if self.valid_to is None else self.valid_to.isoformat()}",
            f"photo_wlt=<{len(self.photo_wlt)} bytes>",
            f"photo={'None' if self.photo is None else f'<{len(self.photo)} bytes>'}",
        ]
        if self.fingerprint:
            parts.append(f"fingerprint=<{len(self.fingerprint)} bytes>")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __str__(self) -> str:
        return self.__repr__()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ResidentCard(Card):
    card_type: ClassVar[CardType] = CardType.RESIDENT
    address: str
    new_address: str = ""  # 最新追加住址 (cmd 30 03), when the card has one


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ResidencePermit(Card):
    """港澳台居民居住证 (flag "J")."""

    card_type: ClassVar[CardType] = CardType.HMT_PERMIT
    address: str
    travel_permit_number: str  # 通行证号码
    issue_count: int | None  # 签发次数
    new_address: str = ""


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ForeignResidentCard2017(Card):
    """外国人永久居留身份证, 2017 layout (flag "I"). `name_en` is the upper-case English name."""

    card_type: ClassVar[CardType] = CardType.FOREIGN_2017
    nationality: str  # GB/T 2659 three-letter code
    card_version: str
    authority_code: str  # 当次申请受理机关代码


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ForeignResidentCard2023(Card):
    """外国人永久居留身份证, 2023 layout (flag "Y")."""

    card_type: ClassVar[CardType] = CardType.FOREIGN_2023
    nationality: str  # country/region code, three characters
    renewal_count: int | None  # 换证次数
    previous_number_link: str  # 既往版本证件号码关联项
