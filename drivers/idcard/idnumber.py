"""The 18-character citizen ID number check digit: GB 11643, ISO 7064 MOD 11-2 (spec §9).

The same rule covers resident ID numbers, HK/Macau/Taiwan residence-permit numbers (81/82/83…) and the
2023 foreign permanent resident numbers (leading 9).
"""

from __future__ import annotations

from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # indexed by S mod 11


class NumberCheck(StrEnum):
    OK = "ok"
    BAD_CHECK_DIGIT = "bad_check_digit"
    MALFORMED = "malformed"  # not 17 digits + digit/X (or, for 2017 foreign cards, not 3 letters + 12 digits)
    NOT_APPLICABLE = "not_applicable"  # 2017 foreign card numbers have no published check digit


def check_digit(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("need exactly 17 ASCII digits")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def check_number(number: str) -> NumberCheck:
    n = number.upper()
    if len(n) != 18 or not (n[:17].isascii() and n[:17].isdigit()) or n[17] not in "0123456789X":
        return NumberCheck.MALFORMED
    return NumberCheck.OK if check_digit(n[:17]) == n[17] else NumberCheck.BAD_CHECK_DIGIT


def check_foreign_2017(number: str) -> NumberCheck:
    ok = (
        len(number) == 15
        and number.isascii()
        and number[:3].isalpha()
        and number[:3].isupper()
        and number[3:].isdigit()
    )
    return NumberCheck.NOT_APPLICABLE if ok else NumberCheck.MALFORMED
