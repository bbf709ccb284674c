"""The rating pad's flow, Qt-free: when to ask, what the resident chose, when to go quiet again.

好差评 rules (hall-standards §2): the five levels, never preselected; reasons only for the lower two; rating
is voluntary, so skipping is one tap and an unanswered prompt closes by itself without recording anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

LEVELS = (5, 4, 3, 2, 1)  # 非常满意 … 非常不满意, shown best first
REASON_LEVELS = (2, 1)
TAGS = ("efficiency", "competence", "attitude", "guidance", "environment", "other")
THANKS_S = 5.0


@dataclass
class Submission:
    ticket_id: str
    level: int
    tags: list[str]
    attempts: int = 0


@dataclass
class RatingFlow:
    counter_id: str
    timeout_s: float
    screen: str = "idle"  # "idle" | "levels" | "reasons" | "thanks"
    ticket: dict[str, Any] | None = None
    level: int | None = None
    tags: list[str] = field(default_factory=list)
    since: float = 0.0  # monotonic time of the last step or touch

    def on_event(self, ev: dict[str, Any], now: float, wall: float | None = None) -> bool:
        """Follow the hall's events; True when the screen changed."""
        ticket = (ev.get("data") or {}).get("ticket") or {}
        if ticket.get("counter") != self.counter_id:
            return False
        if ev.get("type") == "ticket.finished":
            # A finish replayed after a long outage: that resident has gone, do not ask the next one.
            age = (wall if wall is not None else time.time()) - float(ev.get("ts", 0))
            if age > self.timeout_s:
                return False
            self._reset("levels", now)
            self.ticket = {"id": ticket["id"], "number": ticket.get("number", "")}
            return True
        if ev.get("type") == "ticket.rated" and self.asking and self.ticket_id == ticket.get("id"):
            self._reset("idle", now)  # rated elsewhere (the kiosk, a QR code): nothing left to ask
            return True
        return False

    @property
    def asking(self) -> bool:
        return self.screen in ("levels", "reasons")

    @property
    def ticket_id(self) -> str | None:
        return self.ticket["id"] if self.ticket else None

    def _reset(self, screen: str, now: float) -> None:
        self.screen, self.level, self.tags, self.since = screen, None, [], now
        if screen == "idle":
            self.ticket = None

    def choose(self, level: int, now: float) -> Submission | None:
        """A level was tapped: ask for reasons for the lower two, otherwise record it at once."""
        if not self.asking or level not in LEVELS or self.ticket is None:
            return None
        self.level, self.since = level, now
        if level in REASON_LEVELS:
            self.screen = "reasons"
            return None
        return self._submit(now)

    def toggle(self, tag: str, now: float) -> None:
        if self.screen != "reasons" or tag not in TAGS:
            return
        self.since = now
        self.tags = [t for t in self.tags if t != tag] if tag in self.tags else [*self.tags, tag]

    def back(self, now: float) -> None:
        if self.screen == "reasons":
            self.screen, self.level, self.tags, self.since = "levels", None, [], now

    def submit(self, now: float) -> Submission | None:
        if self.screen != "reasons" or self.level is None:
            return None
        return self._submit(now)

    def _submit(self, now: float) -> Submission:
        assert self.ticket is not None and self.level is not None
        sub = Submission(self.ticket["id"], self.level, [t for t in TAGS if t in self.tags])
        self._reset("thanks", now)
        return sub

    def skip(self, now: float) -> None:
        if self.asking:
            self._reset("idle", now)

    def touch(self, now: float) -> None:
        if self.asking:
            self.since = now

    def tick(self, now: float) -> bool:
        """Quietly back to idle after the timeout (asking) or the thank-you pause; True when it did."""
        limit = self.timeout_s if self.asking else THANKS_S if self.screen == "thanks" else None
        if limit is not None and now - self.since >= limit:
            self._reset("idle", now)
            return True
        return False

    def view(self) -> dict[str, Any]:
        return {
            "screen": self.screen,
            "number": (self.ticket or {}).get("number", ""),
            "level": self.level or 0,
            "tags": list(self.tags),
        }
