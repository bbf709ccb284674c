"""Tell a scanner from a person when both arrive as ordinary keystrokes (e.g. key events in the Qt UI).

Pure. A wedge scanner types a whole code in a burst, keys a few milliseconds apart, and ends it with
Enter; nobody types that fast. So: keys closer together than `max_gap_s`, at least `min_length` of
them, ended by Enter within the same gap, are a scan; anything slower is a person typing, and the UI
keeps those keys as typed text.
"""

from __future__ import annotations

ENTER_KEYS = frozenset({"\r", "\n"})


class BurstDetector:
    def __init__(self, max_gap_s: float = 0.03, min_length: int = 4) -> None:
        self.max_gap_s = max_gap_s
        self.min_length = min_length
        self._chars: list[str] = []
        self._last: float | None = None

    def feed(self, key: str, at: float) -> str | None:
        """Feed one key (a character, or "\\r"/"\\n" for Enter) typed at `at` seconds (monotonic).

        Returns the scanned code when this Enter ends a burst, else None.
        """
        fast = self._last is not None and at - self._last <= self.max_gap_s
        self._last = at
        if key in ENTER_KEYS:
            text = "".join(self._chars)
            self._chars = []
            return text if fast and len(text) >= self.min_length else None
        if not fast:
            self._chars = []  # a pause: whatever came before was typed by hand
        self._chars.append(key)
        return None

    @property
    def pending(self) -> str:
        """Keys of a burst that may still turn out to be a scan (the UI can hold them back briefly)."""
        return "".join(self._chars)
