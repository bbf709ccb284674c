"""Linux input events, as a keyboard-wedge scanner produces them on /dev/input/eventN.

Pure apart from the ioctl number. A read of an evdev node returns whole `struct input_event` records:
a struct timeval (two C longs), u16 type, u16 code, s32 value — 24 bytes on 64-bit Linux. The native
struct format follows the platform's long, so it is right on 32-bit builds with a 32-bit time_t too.
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass

from drivers.qrscanner.keymap import (
    CHORDS,
    ENTERS,
    KEY_CAPSLOCK,
    KEY_ENTER,
    KEY_LEFTSHIFT,
    SHIFTS,
    char_for,
    keystroke_for,
)

EVENT = struct.Struct("@llHHi")
EV_SYN, EV_KEY, EV_MSC = 0x00, 0x01, 0x04
SYN_REPORT = 0
MSC_SCAN = 4
KEY_RELEASE, KEY_PRESS, KEY_REPEAT = 0, 1, 2
# _IOW('E', 0x90, int): take the device for this fd alone, so the scan is not also typed into the UI.
EVIOCGRAB = 0x40044590


@dataclass(frozen=True, slots=True)
class InputEvent:
    type: int
    code: int
    value: int
    at: float = 0.0  # the kernel's timestamp

    def pack(self) -> bytes:
        sec = int(self.at)
        return EVENT.pack(sec, int((self.at - sec) * 1_000_000), self.type, self.code, self.value)


class RecordReader:
    """Bytes to events. An evdev node returns whole records; a pty standing in for one in tests may not."""

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[InputEvent]:
        self._buf += data
        whole = len(self._buf) - len(self._buf) % EVENT.size
        out = [
            InputEvent(t, c, v, s + u / 1_000_000) for s, u, t, c, v in EVENT.iter_unpack(self._buf[:whole])
        ]
        self._buf = self._buf[whole:]
        return out

    def reset(self) -> None:
        self._buf = b""


class KeyDecoder:
    """Key events to scanned texts: Enter ends a scan; shift and caps lock apply; a key that types no
    character (F1, Ctrl+…) spoils the scan it is in, which is dropped rather than delivered wrong."""

    def __init__(self) -> None:
        self.discarded = 0
        self._held: set[int] = set()
        self._caps = False
        self._chars: list[str] = []
        self._spoiled = False

    @property
    def pending(self) -> bool:
        return bool(self._chars) or self._spoiled

    def feed(self, ev: InputEvent) -> str | None:
        if ev.type != EV_KEY or ev.value == KEY_REPEAT:
            return None  # SYN reports and MSC scan codes carry no characters; repeats would double them
        if ev.value == KEY_RELEASE:
            self._held.discard(ev.code)
            return None
        if ev.code in SHIFTS or ev.code in CHORDS:
            self._held.add(ev.code)
            return None
        if ev.code == KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if ev.code in ENTERS:
            return self._finish()
        char = None if self._held & CHORDS else char_for(ev.code, bool(self._held & SHIFTS), self._caps)
        if char is None:
            self._spoiled = True
        else:
            self._chars.append(char)
        return None

    def reset(self) -> None:
        """Drop a scan that will not be finished (idle too long, device gone)."""
        if self.pending:
            self.discarded += 1
        self._chars, self._spoiled = [], False
        self._held.clear()

    def _finish(self) -> str | None:
        text, spoiled = "".join(self._chars), self._spoiled
        self._chars, self._spoiled = [], False
        if spoiled:
            self.discarded += 1
            return None
        return text or None


def key_events(code: int, at: float, scan_code: int | None = None) -> list[InputEvent]:
    """One key pressed and released, as a USB keyboard reports it (MSC_SCAN, KEY, SYN each way)."""
    msc = [InputEvent(EV_MSC, MSC_SCAN, scan_code if scan_code is not None else 0x70000 + code, at)]
    syn = InputEvent(EV_SYN, SYN_REPORT, 0, at)
    return [
        *msc,
        InputEvent(EV_KEY, code, KEY_PRESS, at),
        syn,
        *msc,
        InputEvent(EV_KEY, code, KEY_RELEASE, at),
        syn,
    ]


def encode_text(text: str, at: float | None = None, enter: bool = True) -> bytes:
    """The records a wedge scanner sends to type `text` (+ Enter); ValueError for untypable characters."""
    t = time.time() if at is None else at
    syn = InputEvent(EV_SYN, SYN_REPORT, 0, t)
    events: list[InputEvent] = []
    for char in text:
        code, shift = keystroke_for(char)
        if shift:
            events += [InputEvent(EV_KEY, KEY_LEFTSHIFT, KEY_PRESS, t), syn]
        events += key_events(code, t)
        if shift:
            events += [InputEvent(EV_KEY, KEY_LEFTSHIFT, KEY_RELEASE, t), syn]
    if enter:
        events += key_events(KEY_ENTER, t)
    return b"".join(ev.pack() for ev in events)
