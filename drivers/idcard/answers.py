"""Which refusals each SAM command may get (spec §3, §4), and the typed error for any status it got.

Pure. A refusal the command is known to get (no card to find, a card that moved before select, a card
that failed to authenticate) is about the card: the resident places it again. A SAM that failed or
rejects requests, or a status the command never gets, is about the reader: `status()` reports it.
"""

from __future__ import annotations

from drivers.idcard import codec
from drivers.idcard.errors import (
    CardReadError,
    RequestRejected,
    SamFault,
    SamStatusError,
    UnexpectedStatus,
)

_CARD = CardReadError.codes
CARD_REFUSALS: dict[tuple[int, int], frozenset[int]] = {
    codec.FIND: frozenset({0x80}),
    codec.SELECT: frozenset({0x81}) | _CARD,
    codec.READ_BASE: _CARD,
    codec.READ_WITH_FINGERPRINT: _CARD,
    codec.READ_NEW_ADDRESS: frozenset({0x91}) | _CARD,
}


def refusal(cmd: tuple[int, int], sw3: int) -> SamStatusError:
    """The error for `sw3` answered to `cmd`, which did not count it as success."""
    err = SamStatusError.from_sw3(sw3)
    if isinstance(err, SamFault | RequestRejected) or sw3 in CARD_REFUSALS.get(cmd, frozenset()):
        return err
    return UnexpectedStatus(sw3, codec.command_name(*cmd), codec.command_name_zh(*cmd))


def is_reader_trouble(err: SamStatusError) -> bool:
    """Whether a refusal says the reader (not the card in front of it) needs attention."""
    return isinstance(err, SamFault | RequestRejected | UnexpectedStatus)
