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
    MODIFIERS,
    SHIFTS,
    char_for,
    keystroke_for,
)

EVENT = struct.Struct("@llHHi")
EV_SYN, EV_KEY, EV_MSC = 0x00, 0x01, 0x04
SYN_REPORT, SYN_DROPPED = 0, 3
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
    character (F1, Ctrl+…) spoils the scan it is in, which is dropped rather than delivered wrong.

    Modifier state must not wedge: a scanner presses and releases a modifier inside one keystroke, so a
    modifier still held at a scan's Enter (or when keys stop, `timeout()`) lost its release. It is let go,
    the scan it may have altered is dropped, and `stuck` names it until a scan reads cleanly. Without
    that, one lost Ctrl release would turn every later scan into Ctrl+keys, all dropped.
    """

    def __init__(self) -> None:
        self.discarded = 0
        self.lost_releases = 0  # modifiers found held at a scan's end
        self.dropped_reports = 0  # SYN_DROPPED: the kernel's buffer overran and events were lost
        self.stuck: frozenset[int] = frozenset()  # modifiers whose release was lost, until a clean scan
        self._held: set[int] = set()  # modifiers only
        self._caps = False
        self._chars: list[str] = []
        self._spoiled = False
        self._resyncing = False  # after SYN_DROPPED, until the next SYN_REPORT

    @property
    def pending(self) -> bool:
        """A scan or a modifier is in progress: `timeout()` has something to end."""
        return bool(self._chars) or self._spoiled or bool(self._held)

    def feed(self, ev: InputEvent) -> str | None:
        if ev.type == EV_SYN:
            if ev.code == SYN_DROPPED:
                self._dropped()
            elif ev.code == SYN_REPORT:
                self._resyncing = False
            return None
        if ev.type != EV_KEY or self._resyncing:
            return None  # MSC scan codes carry no characters; a report cut by an overrun is incomplete
        if ev.value == KEY_REPEAT:
            # A repeat types no second character, but it does say the key is down: a modifier whose
            # press was lost (an overrun) counts as held again.
            if ev.code in MODIFIERS:
                self._held.add(ev.code)
            return None
        if ev.value == KEY_RELEASE:
            self._held.discard(ev.code)
            return None
        if ev.code in MODIFIERS:
            if ev.code in self._held:
                # Pressed again without a release: the release was lost, and what was typed since with
                # the modifier wrongly down (a capital for a digit) may be wrong.
                self.lost_releases += 1
                self.stuck = frozenset({ev.code})
                self._spoiled = True
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
        """Drop a scan that will not be finished (device gone); the next device starts with no key down."""
        if self._chars or self._spoiled:
            self.discarded += 1
        self._chars, self._spoiled, self._resyncing = [], False, False
        self._held.clear()

    def timeout(self) -> None:
        """No key for the idle time: a half-typed scan is dropped and a held modifier lost its release."""
        self._let_go_of_lost_modifiers()
        self.reset()

    def _dropped(self) -> None:
        # Events before the overrun are gone, perhaps a release or keys of this scan: what was typed so
        # far cannot be trusted, and nothing is held (a modifier pressed again arrives as an event).
        self.dropped_reports += 1
        self._resyncing = True
        if self._chars or self._spoiled or self._held:
            self._chars, self._spoiled = [], True
        self._held.clear()

    def _let_go_of_lost_modifiers(self) -> bool:
        if not self._held:
            return False
        self.lost_releases += len(self._held)
        self.stuck = frozenset(self._held)
        self._held.clear()
        return True

    def _finish(self) -> str | None:
        lost = self._let_go_of_lost_modifiers()  # a shift held too long may have capitalised this scan
        text, spoiled = "".join(self._chars), self._spoiled or lost
        self._chars, self._spoiled = [], False
        if spoiled:
            self.discarded += 1
            return None
        if text:
            self.stuck = frozenset()
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
