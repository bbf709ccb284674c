"""The idle countdown every screen shows (剩余操作时间), as a pure clock: `now` is always an argument.

A touch restarts it; `warn_s` before the end the screen shows a warning with a big "I need more time"
button (hall standards §7: warn 20 s ahead, allow ten or more extensions); at zero the adapter sends the
flow home, which wipes the session. Elder mode gets longer timeouts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IdleSettings:
    timeout_s: float = 60.0
    home_timeout_s: float = 100.0  # only matters when home holds something personal (a card read)
    elder_timeout_s: float = 120.0
    warn_s: float = 20.0
    max_extensions: int = 10


class IdleClock:
    def __init__(self, settings: IdleSettings, now: float, *, elder: bool = False) -> None:
        self.settings = settings
        self.elder = elder
        self.extensions = 0
        self._deadline = now + self._timeout()

    def _timeout(self) -> float:
        return self.settings.elder_timeout_s if self.elder else self.settings.timeout_s

    @property
    def timeout_s(self) -> float:
        """The whole timeout in the current mode: what the countdown starts from."""
        return self._timeout()

    def touch(self, now: float, *, elder: bool | None = None) -> None:
        """Any tap or device event: the resident is still there."""
        if elder is not None:
            self.elder = elder
        self._deadline = now + self._timeout()

    def remaining_s(self, now: float) -> int:
        """Whole seconds left, as the countdown shows them (never below zero)."""
        # Rounded to a microsecond first: deadline - now carries float noise (60.000000000000114), and the
        # ceiling of that would show a 60 s timeout as 61.
        return max(0, math.ceil(round(self._deadline - now, 6)))

    def warning(self, now: float) -> bool:
        return 0 < self._deadline - now <= self.settings.warn_s

    def expired(self, now: float) -> bool:
        return now >= self._deadline

    @property
    def can_extend(self) -> bool:
        return self.extensions < self.settings.max_extensions

    def extend(self, now: float) -> bool:
        """The "I need more time" button: a whole timeout again, up to max_extensions times in a session."""
        if not self.can_extend:
            return False
        self.extensions += 1
        self._deadline = now + self._timeout()
        return True

    def reset(self, now: float) -> None:
        """A new session (after home): extensions start again."""
        self.extensions = 0
        self._deadline = now + self._timeout()
