"""What can go wrong talking to the back office, as exceptions a screen can act on without string matching."""

from __future__ import annotations


class HallApiError(Exception):
    """The back office answered and said no: its stable `code` and the messages to show."""

    def __init__(self, status: int, code: str, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.message_zh = message_zh or message


class Refused(HallApiError):
    """401/403: this device's token or session is not (or no longer) accepted. Retrying will not help."""


class HallUnreachable(Exception):
    """The back office did not answer (down, restarting, network): show it and retry."""
