"""DLE EOT status bytes, decoded (pure) into a printer state, and that state as a DeviceStatus.

Bit meanings are Epson's (ESC/POS reference, DLE EOT n = 1..4), which the Chinese clones copy. Every
reply has bits 1 and 4 set and bits 0 and 7 clear; a byte without that frame is not a status reply
(wrong baud rate, another device) and is reported as such instead of being believed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.base import DeviceStatus, Health

FRAME_MASK, FRAME = 0b1001_0011, 0b0001_0010

# (n, bit mask) -> flag. Near-end and paper-end use two bits each; models set one or both.
_BITS: dict[int, tuple[tuple[int, str], ...]] = {
    1: ((0x04, "drawer_high"), (0x08, "offline"), (0x20, "waiting_recovery"), (0x40, "feed_button")),
    2: ((0x04, "cover_open"), (0x08, "feeding"), (0x20, "paper_end_stop"), (0x40, "error")),
    3: ((0x08, "cutter_error"), (0x20, "unrecoverable_error"), (0x40, "auto_recoverable_error")),
    4: ((0x0C, "paper_near_end"), (0x60, "paper_out")),
}
QUERIES = (1, 2, 3, 4)


def decode(n: int, byte: int) -> frozenset[str]:
    """Flags one reply to DLE EOT n says are set; "malformed" if the byte is not a status reply."""
    if n not in _BITS:
        raise ValueError(f"DLE EOT n must be 1..4, got {n}")
    if not 0 <= byte <= 255:
        raise ValueError(f"a status reply is one byte, got {byte}")
    if byte & FRAME_MASK != FRAME:
        return frozenset({"malformed"})
    return frozenset(name for mask, name in _BITS[n] if byte & mask)


def encode(n: int, flags: frozenset[str] | set[str]) -> int:
    """The byte a printer in this state answers to DLE EOT n (what the simulator sends)."""
    byte = FRAME
    for mask, name in _BITS[n]:
        if name in flags:
            byte |= mask
    return byte


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # stable: the kiosk, the back office and technicians match on it
    health: Health
    reason: str
    reason_zh: str
    resident: str  # the end of the resident's message: "the printer is out of paper"
    resident_zh: str


# Worst first: status() reports the first that applies.
PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "printer_unreachable",
        Health.FAULT,
        "printer not reachable",
        "打印机未连接",
        "the printer is not responding",
        "打印机未连接",
    ),
    Problem(
        "printer_bad_reply",
        Health.FAULT,
        "printer's status reply is not ESC/POS (wrong baud rate or not a printer?)",
        "打印机状态应答异常(波特率或设备不对?)",
        "the printer is not working",
        "打印机暂时无法打印",
    ),
    Problem(
        "printer_cover_open",
        Health.FAULT,
        "printer cover open",
        "打印机舱盖未关好",
        "the printer cover is open",
        "打印机舱盖未关好",
    ),
    Problem(
        "printer_paper_out",
        Health.FAULT,
        "paper out",
        "打印机缺纸",
        "the printer is out of paper",
        "打印机缺纸",
    ),
    Problem(
        "printer_cutter_error",
        Health.FAULT,
        "cutter error",
        "打印机切刀故障",
        "the printer is jammed",
        "打印机切纸故障",
    ),
    Problem(
        "printer_error", Health.FAULT, "printer error", "打印机故障", "the printer has a fault", "打印机故障"
    ),
    Problem(
        "printer_offline",
        Health.FAULT,
        "printer offline",
        "打印机离线",
        "the printer is offline",
        "打印机暂时无法打印",
    ),
    Problem("printer_paper_near_end", Health.DEGRADED, "paper near end", "打印纸即将用完", "", ""),
    Problem(
        "printer_status_unknown",
        Health.DEGRADED,
        "status unknown: this transport cannot read the printer's status (paper out would go unnoticed)",
        "无法读取打印机状态(缺纸时无法察觉)",
        "",
        "",
    ),
)
PROBLEM = {p.code: p for p in PROBLEMS}


@dataclass(frozen=True, slots=True)
class PrinterState:
    """What the last poll found. Equality ignores the note, so "changed" means the flags changed."""

    reachable: bool = True
    known: bool = True  # False: the transport cannot read status (file, OUT-only USB)
    flags: frozenset[str] = frozenset()
    note: str = field(default="", compare=False)  # why unreachable, for the technician

    @classmethod
    def from_replies(cls, replies: Mapping[int, int]) -> PrinterState:
        flags: set[str] = set()
        for n, byte in replies.items():
            flags |= decode(n, byte)
        return cls(flags=frozenset(flags))

    @classmethod
    def unreachable(cls, note: str) -> PrinterState:
        return cls(reachable=False, note=note)

    @classmethod
    def unknown(cls, note: str = "") -> PrinterState:
        return cls(known=False, note=note)

    def codes(self) -> list[str]:
        """Every problem that applies, worst first."""
        f = self.flags
        hits = {
            "printer_unreachable": not self.reachable,
            "printer_bad_reply": "malformed" in f,
            "printer_cover_open": "cover_open" in f,
            "printer_paper_out": bool({"paper_out", "paper_end_stop"} & f),
            "printer_cutter_error": "cutter_error" in f,
            "printer_error": bool({"error", "unrecoverable_error", "auto_recoverable_error"} & f),
            "printer_offline": "offline" in f,
            "printer_paper_near_end": "paper_near_end" in f,
            "printer_status_unknown": self.reachable and not self.known,
        }
        # Offline and near-end follow from a named cause (an open cover takes the printer offline, an
        # empty roll trips the near-end sensor too): listing them again would only be noise.
        named = hits["printer_cover_open"] or hits["printer_paper_out"] or hits["printer_cutter_error"]
        if named or hits["printer_error"]:
            hits["printer_offline"] = False
        if hits["printer_paper_out"]:
            hits["printer_paper_near_end"] = False
        return [p.code for p in PROBLEMS if hits[p.code]]

    @property
    def problem(self) -> Problem | None:
        codes = self.codes()
        return PROBLEM[codes[0]] if codes else None

    @property
    def blocks_printing(self) -> bool:
        p = self.problem
        return p is not None and p.health is Health.FAULT

    def to_status(self, extra: Mapping[str, Any] | None = None) -> DeviceStatus:
        p = self.problem
        details: dict[str, Any] = {
            **(extra or {}),
            "code": p.code if p else "ok",
            "codes": self.codes(),
            "flags": sorted(self.flags),
        }
        if self.note:
            details["note"] = self.note
        if p is None:
            return DeviceStatus(Health.OK, "ready", "正常", details)
        reason = f"{p.reason}: {self.note}" if self.note and p.code == "printer_unreachable" else p.reason
        # A near-end warning hides behind no fault, but a fault should still mention it for the refill.
        extra = [PROBLEM[c] for c in self.codes()[1:] if c != p.code]
        if extra:
            reason += "; also " + ", ".join(e.reason for e in extra)
        zh = "；".join([p.reason_zh, *(e.reason_zh for e in extra)])
        return DeviceStatus(p.health, reason, zh, details)
