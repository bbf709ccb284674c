"""The counter terminal's state and rules, Qt-free: what is shown, and which actions are valid now.

The back office stays the judge of every action; the terminal only greys out what cannot succeed, so staff
are not invited to press a button that would be refused (design §3, ticket life).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COLOURS = ("green", "yellow", "blue")
# Action name -> the counter endpoint it posts to (transfer and reinstate carry a target, see backend).
ENDPOINTS = {
    "call_next": "call-next",
    "recall": "recall",
    "no_show": "no-show",
    "start": "start",
    "finish": "finish",
    "transfer": "transfer",
    "pause": "pause",
    "resume": "resume",
}
ACTIONS = (*ENDPOINTS, "reinstate")


def waiting_for(serves: list[str], waiting_by_matter: dict[str, dict[str, int]]) -> dict[str, int]:
    """Waiting tickets per colour among the matters this counter serves."""
    out = dict.fromkeys(COLOURS, 0)
    for matter in serves:
        for colour, n in (waiting_by_matter.get(matter) or {}).items():
            if colour in out:
                out[colour] += int(n)
    return out


def matter_names(catalogue: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """matter id -> (name_zh, name_en), in catalogue order."""
    return {m["id"]: (m["name_zh"], m["name_en"]) for m in _matters(catalogue)}


def served_matters(catalogue: dict[str, Any]) -> set[str]:
    """Matters some counter serves: a ticket transferred anywhere else would wait with no one to call it."""
    return {m["id"] for m in _matters(catalogue) if m.get("counters")}


def _matters(catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for cat in catalogue.get("categories", []) for m in cat.get("matters", [])]


@dataclass
class CounterState:
    counter_id: str
    locale: str = "zh_CN"
    screen: str = "login"  # "login" | "main"
    staff: str = ""
    counter: dict[str, Any] | None = None  # GET /counters/{id}
    current: dict[str, Any] | None = None  # the StaffTicket (or the counter's brief) called or serving here
    waiting: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))
    max_recalls: int | None = None
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    served: set[str] = field(default_factory=set)
    connected: bool = False
    busy: str = ""  # the action in flight; every action button waits for it
    logging_in: bool = False
    login_error: dict[str, str] | None = None  # {code, text}: text from the hall, or empty for QML to word
    notice: dict[str, Any] | None = None
    notice_seq: int = 0
    led_warning: str = ""  # a driver error code; empty while the LED window display is fine
    no_shows: list[dict[str, Any]] | None = None  # None: not loaded (picker shows "loading")
    # Kiosks' open calls for staff (值班员指导), oldest first; staff only, never on a public screen.
    help_calls: list[dict[str, Any]] = field(default_factory=list)

    def help_requested(self, call: dict[str, Any]) -> None:
        if all(c["id"] != call["id"] for c in self.help_calls):
            self.help_calls = [*self.help_calls, call]

    def help_answered(self, help_id: str) -> None:
        self.help_calls = [c for c in self.help_calls if c["id"] != help_id]

    # --- rules -----------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return bool(self.counter and self.counter.get("paused"))

    def enabled(self) -> dict[str, bool]:
        ready = self.screen == "main" and self.connected and not self.busy and self.counter is not None
        status = (self.current or {}).get("status")
        recalls = (self.current or {}).get("recalls")
        below_max = self.max_recalls is None or recalls is None or recalls < self.max_recalls
        return {
            "call_next": ready and self.current is None and not self.paused,
            "recall": ready and status == "called" and below_max,
            "no_show": ready and status == "called",
            "start": ready and status == "called",
            "finish": ready and status == "serving",
            "transfer": ready and status == "serving",
            "pause": ready and not self.paused,
            "resume": ready and self.paused,
            "reinstate": ready,
        }

    # --- what the screen shows ----------------------------------------------------------------------

    def transfer_targets(self) -> list[str]:
        here = (self.current or {}).get("matter")
        targets = [m for m in self.names if m != here and m in self.served]
        return targets or [m for m in self.names if m != here]

    def name_of(self, matter: str) -> str:
        zh, en = self.names.get(matter, (matter, matter))
        return zh if self.locale == "zh_CN" else en

    def say(self, kind: str, code: str, text: str = "", **fields: Any) -> None:
        """Set the result line; `seq` changes every time so the same message twice still shows as new."""
        self.notice_seq += 1
        self.notice = {"kind": kind, "code": code, "text": text, "seq": self.notice_seq, **fields}

    def view(self) -> dict[str, Any]:
        c = self.counter or {}
        cur = self.current
        current = None
        if cur is not None:
            current = {
                "id": cur["id"],
                "number": cur["number"],
                "colour": cur["colour"],
                "matter": self.name_of(cur["matter"]),
                "status": cur["status"],
                "recalls": -1 if cur.get("recalls") is None else cur["recalls"],
                "greenReason": cur.get("green_reason") or "",
            }
        no_shows = None
        if self.no_shows is not None:
            no_shows = [
                {
                    "id": t["id"],
                    "number": t["number"],
                    "colour": t["colour"],
                    "matter": self.name_of(t["matter"]),
                }
                for t in self.no_shows
            ]
        return {
            "screen": self.screen,
            "locale": self.locale,
            "counterId": self.counter_id,
            "counterName": (c.get("name_zh") if self.locale == "zh_CN" else c.get("name_en")) or "",
            "window": c.get("window", 0),
            "paused": self.paused,
            "staff": self.staff,
            "current": current,
            "waiting": dict(self.waiting),
            "maxRecalls": -1 if self.max_recalls is None else self.max_recalls,
            "connected": self.connected,
            "busy": self.busy,
            "loggingIn": self.logging_in,
            "loginError": self.login_error,
            "notice": self.notice,
            "ledWarning": self.led_warning,
            "enabled": self.enabled(),
            "matters": [{"id": m, "name": self.name_of(m)} for m in self.transfer_targets()],
            "noShows": no_shows,
            "helpCalls": [{"id": c["id"], "kiosk": c.get("kiosk", "")} for c in self.help_calls],
        }
