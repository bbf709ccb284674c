"""Typed failures of the ID-card reader: link trouble, SAM status codes (spec §4), undecodable card data.

Every error is a `DriverError` with a stable `code` and an English and a Chinese message, so the kiosk can
show it as it is. Messages never carry card data: a log line with an error must not leak a name or number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from drivers.base import DriverError


class IdCardError(DriverError):
    """Base of every error of the ID-card driver."""


# --- talking to the reader ---------------------------------------------------------------------------


class LinkError(IdCardError):
    """The conversation with the reader failed (port gone, no reply, corrupted bytes)."""


class ReaderNotFound(LinkError):
    """The port cannot be opened: nothing at that path, or it is busy or forbidden (`why`)."""

    def __init__(self, port: str, why: str = "") -> None:
        if why:
            en, zh = f"cannot open the reader at {port}: {why}", f"无法打开身份证阅读器({port}):{why}"
        else:
            en, zh = f"reader not found at {port}", f"未找到身份证阅读器({port})"
        super().__init__("idcard.reader_not_found", en, zh)
        self.port = port
        self.why = why


class ReaderDisconnected(LinkError):
    def __init__(self, port: str, why: str = "") -> None:
        detail = f" ({why})" if why else ""
        super().__init__(
            "idcard.reader_disconnected",
            f"reader at {port} disconnected{detail}",
            f"身份证阅读器已断开({port})",
        )
        self.port = port


class ReaderTimeout(LinkError):
    def __init__(self, port: str, timeout: float, command: str = "") -> None:
        what = f" to {command}" if command else ""
        super().__init__(
            "idcard.reader_timeout",
            f"no reply{what} from the reader at {port} within {timeout:g} s",
            f"身份证阅读器无响应({port},{timeout:g} 秒)",
        )
        self.timeout = timeout


class FrameError(LinkError):
    """Bytes that are not a well-formed frame (spec §2)."""

    def __init__(self, message: str, message_zh: str = "身份证阅读器数据帧错误") -> None:
        super().__init__("idcard.bad_frame", message, message_zh)


class FrameChecksumError(FrameError):
    def __init__(self, expected: int, got: int) -> None:
        super().__init__(
            f"reply checksum error (computed 0x{expected:02X}, frame says 0x{got:02X})",
            "身份证阅读器应答校验和错误",
        )
        self.code = "idcard.bad_checksum"
        self.expected = expected
        self.got = got


class FrameLengthError(FrameError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "身份证阅读器应答长度错误")
        self.code = "idcard.bad_length"


# --- the SAM's own status byte SW3 (spec §4) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sw3:
    code: int
    slug: str
    en: str
    zh: str


# Every SW3 of spec §4. Success codes are here too so a status byte can always be described.
SW3_TABLE: dict[int, Sw3] = {
    s.code: s
    for s in (
        Sw3(0x90, "ok", "success", "操作成功"),
        Sw3(0x91, "no_content", "item has no content on the card", "证/卡中此项无内容"),
        Sw3(0x9F, "card_found", "card found", "寻找证/卡成功"),
        Sw3(
            0x10,
            "request_checksum",
            "request reached the SAM with a bad checksum",
            "接收业务终端数据的校验和错",
        ),
        Sw3(0x11, "request_length", "request reached the SAM with a bad length", "接收业务终端数据的长度错"),
        Sw3(0x21, "bad_command", "command refused (bad value or combination)", "接收业务终端的命令错误"),
        Sw3(0x23, "unauthorised_operation", "unauthorised operation", "越权操作"),
        Sw3(0x24, "unrecognised_error", "unrecognised error", "无法识别的错误"),
        Sw3(0x31, "card_auth_sam_failed", "the card failed to authenticate the SAM", "证/卡认证SAM失败"),
        Sw3(0x32, "sam_auth_card_failed", "the SAM failed to authenticate the card", "SAM认证证/卡失败"),
        Sw3(0x33, "verification_error", "information verification error", "信息验证错误"),
        Sw3(0x37, "fingerprint_verification_error", "fingerprint verification error", "指纹信息验证错误"),
        Sw3(0x3F, "info_length_error", "information length error", "信息长度错误"),
        Sw3(0x40, "unknown_card_type", "unrecognised card type", "无法识别的卡类型"),
        Sw3(0x41, "read_failed", "reading the card failed", "读证/卡操作失败"),
        Sw3(0x47, "random_failed", "getting a random number from the card failed", "取随机数失败"),
        Sw3(0x60, "sam_self_test_failed", "SAM self-test failed", "SAM自检失败"),
        Sw3(0x66, "sam_not_authorised", "SAM not authorised", "SAM未经授权"),
        Sw3(0x80, "no_card", "no card found", "寻找证/卡失败"),
        Sw3(0x81, "select_failed", "selecting the card failed", "选取证/卡失败"),
    )
}
SUCCESS_CODES = frozenset({0x90, 0x91, 0x9F})


class SamStatusError(IdCardError):
    """The SAM answered with a status other than the one the command expects."""

    codes: ClassVar[frozenset[int]] = frozenset()
    hint_en: ClassVar[str] = ""
    hint_zh: ClassVar[str] = ""

    def __init__(self, sw3: int) -> None:
        info = SW3_TABLE.get(sw3)
        slug = info.slug if info else "unknown_status"
        en = info.en if info else "unknown SAM status"
        zh = info.zh if info else "未知的SAM状态"
        hint_en = f"; {self.hint_en}" if self.hint_en else ""
        hint_zh = f",{self.hint_zh}" if self.hint_zh else ""
        where = f"SW3 0x{sw3:02X}"
        super().__init__(f"idcard.{slug}", f"{en} ({where}){hint_en}", f"{zh}({where}){hint_zh}")
        self.sw3 = sw3

    @staticmethod
    def from_sw3(sw3: int) -> SamStatusError:
        """The most specific error class for a status byte."""
        for cls in _STATUS_CLASSES:
            if sw3 in cls.codes:
                return cls(sw3)
        return SamStatusError(sw3)


class RequestRejected(SamStatusError):
    """The SAM could not take our request (corrupted on the way, or not a command it knows)."""

    codes = frozenset({0x10, 0x11, 0x21, 0x23, 0x24})


class CardReadError(SamStatusError):
    """The card could not be authenticated or read; the resident should place it again."""

    codes = frozenset({0x31, 0x32, 0x33, 0x37, 0x3F, 0x40, 0x41, 0x47})
    hint_en = "please place the card again"
    hint_zh = "请重新放置证件"


class SamFault(SamStatusError):
    """The security module itself is unusable: the reader needs a technician."""

    codes = frozenset({0x60, 0x66})


class NoCard(SamStatusError):
    codes = frozenset({0x80})


class SelectFailed(SamStatusError):
    codes = frozenset({0x81})
    hint_en = "please place the card again"
    hint_zh = "请重新放置证件"


class NoContent(SamStatusError):
    codes = frozenset({0x91})


class UnexpectedStatus(SamStatusError):
    """A status the command never gets (another command's success, a byte outside spec §4): the reader
    is misbehaving, not the card."""

    def __init__(self, sw3: int, command: str, command_zh: str = "") -> None:
        info = SW3_TABLE.get(sw3)
        what, what_zh = (info.en, info.zh) if info else ("not a status of the protocol", "协议之外的状态")
        IdCardError.__init__(
            self,
            "idcard.unexpected_status",
            f"the SAM answered {command} with SW3 0x{sw3:02X} ({what}), which that command never gets",
            f"身份证阅读器对{command_zh or command}的应答状态异常(SW3 0x{sw3:02X},{what_zh})",
        )
        self.sw3 = sw3
        self.command = command


_STATUS_CLASSES: tuple[type[SamStatusError], ...] = (
    RequestRejected,
    CardReadError,
    SamFault,
    NoCard,
    SelectFailed,
    NoContent,
)


# --- the card's data ---------------------------------------------------------------------------------


class CardReadInterrupted(IdCardError):
    """The link failed while a found card was being read; the SAM may have spent the card's session."""

    def __init__(self, cause: IdCardError) -> None:
        super().__init__(
            "idcard.read_interrupted",
            f"reading the card was interrupted ({cause.message}); please place the card again",
            "读卡中断,请重新放置证件",
        )
        self.cause = cause


class AddressUnread(IdCardError):
    """The base read worked but the appended address (30 03) did not: without it the card's printed
    address may be out of date, so the card is not delivered."""

    def __init__(self, cause: IdCardError) -> None:
        super().__init__(
            "idcard.new_address_unread",
            f"the card's latest address could not be read ({cause.message}); please place the card again",
            "无法读取证件最新住址,请重新放置证件",
        )
        self.cause = cause


class CardDataError(IdCardError):
    """The card's text could not be decoded. The message names the field, never its content."""

    def __init__(self, message: str) -> None:
        super().__init__("idcard.bad_card_data", message, "证件信息无法解析,请重新放置证件")


class InvalidIdNumber(IdCardError):
    """A card whose number fails its check digit (GB 11643): shown to staff, the card is not trusted."""

    def __init__(self, reason: str = "check digit") -> None:
        if reason == "check digit":
            en, zh = "the ID number's check digit is wrong", "证件号码校验位错误"
            code = "idcard.bad_check_digit"
        else:
            en, zh = "the ID number is malformed", "证件号码格式错误"
            code = "idcard.malformed_number"
        super().__init__(code, f"{en}; ask for another document", f"{zh},请出示其他证件")


class WltDecodeError(IdCardError):
    def __init__(self, message: str) -> None:
        super().__init__("idcard.photo_decode_failed", message, "证件照片解码失败")
