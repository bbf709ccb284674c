"""ID-card readers (居民身份证 and related cards): the kind's interface and its typed values.

A reader driver finds, selects and reads cards through the SAM security module and hands out typed,
masked-in-logs `Card` values. `drivers.idcard.sam.SamSerialReader` speaks the SAM serial protocol
(`/work/shared/specs/idcard-reader-protocol.md`); `drivers.idcard.simulator` plays a reader on a pty.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import ClassVar

from drivers.base import Driver
from drivers.idcard.cards import (
    NATIONS,
    Card,
    CardType,
    ForeignResidentCard2017,
    ForeignResidentCard2023,
    Gender,
    Nation,
    ResidencePermit,
    ResidentCard,
)
from drivers.idcard.errors import (
    AddressUnread,
    CardDataError,
    CardReadError,
    CardReadInterrupted,
    FrameChecksumError,
    FrameError,
    IdCardError,
    InvalidIdNumber,
    LinkError,
    ReaderDisconnected,
    ReaderNotFound,
    ReaderTimeout,
    SamFault,
    SamStatusError,
    SelectFailed,
    UnexpectedStatus,
)
from drivers.idcard.idnumber import NumberCheck

OnCard = Callable[[Card], None]
OnRemoved = Callable[[], None]
OnError = Callable[[IdCardError], None]


class IdCardReader(Driver):
    """What the kiosk uses: read one card, or watch the reader and be told of cards placed and removed.

    A card resting on the reader is delivered once; it is delivered again only after it was taken away and
    placed again. Reader trouble is reported by `status()`; `on_error` gets every failure of a card that
    was found (a read that failed, data that could not be decoded, reader trouble during its read), each
    one the resident is asked to answer by placing the card again.
    """

    kind: ClassVar[str] = "idcard"

    @abc.abstractmethod
    def read_card(self, timeout: float) -> Card | None:
        """The next card placed (or already resting and not yet delivered) within `timeout` seconds.

        None when no new card came. Raises a LinkError/SamStatusError when the reader was unusable the
        whole time; CardReadError, CardDataError, SelectFailed, AddressUnread or CardReadInterrupted when a
        placed card could not be read (the resident should place it again).
        """

    @abc.abstractmethod
    def start(
        self, on_card: OnCard, on_removed: OnRemoved | None = None, on_error: OnError | None = None
    ) -> None:
        """Watch the reader in a background thread; callbacks run on that thread."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop watching; safe to call twice or when not started."""


__all__ = [
    "NATIONS",
    "AddressUnread",
    "Card",
    "CardDataError",
    "CardReadError",
    "CardReadInterrupted",
    "CardType",
    "ForeignResidentCard2017",
    "ForeignResidentCard2023",
    "FrameChecksumError",
    "FrameError",
    "Gender",
    "IdCardError",
    "IdCardReader",
    "InvalidIdNumber",
    "LinkError",
    "Nation",
    "NumberCheck",
    "OnCard",
    "OnError",
    "OnRemoved",
    "ReaderDisconnected",
    "ReaderNotFound",
    "ReaderTimeout",
    "ResidencePermit",
    "ResidentCard",
    "SamFault",
    "SamStatusError",
    "SelectFailed",
    "UnexpectedStatus",
]
