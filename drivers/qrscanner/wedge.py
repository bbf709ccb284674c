"""KeyboardWedgeScanner: a scanner that is a USB keyboard, read from its evdev node and grabbed.

Configure the stable by-id link, e.g. /dev/input/by-id/usb-Newland_HID_Scanner-event-kbd. The kiosk
user needs read access (the `input` group, or a udev rule for the scanner). The node is grabbed
(EVIOCGRAB) so the scanned keys reach only this driver, never the focused widget of the kiosk UI.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
from collections.abc import Mapping
from typing import Any, ClassVar

from drivers.qrscanner.evdev import EVIOCGRAB, KeyDecoder, RecordReader
from drivers.qrscanner.keymap import MODIFIER_NAMES
from drivers.qrscanner.reader import Code, ThreadedScanner


class KeyboardWedgeScanner(ThreadedScanner):
    driver: ClassVar[str] = "wedge"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.path: str = self.setting("device", str)
        self.grab: bool = self.setting("grab", bool, True)
        self.records = RecordReader()
        self.keys = KeyDecoder()
        self._fd = -1
        self._last_key = 0.0

    @property
    def device(self) -> str:
        return self.path

    def _connect(self) -> str:
        if not os.path.exists(self.path):
            raise OSError("no such device (unplugged?)")
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except PermissionError as exc:
            raise OSError("permission denied (is the kiosk user in the 'input' group?)") from exc
        note = "not grabbed (grab = false)"
        if self.grab:
            try:
                fcntl.ioctl(fd, EVIOCGRAB, 1)
                note = "grabbed"
            except OSError as exc:
                if exc.errno not in (errno.ENOTTY, errno.EINVAL):
                    os.close(fd)
                    if exc.errno == errno.EBUSY:
                        raise OSError("another program has grabbed the device") from exc
                    raise
                # Not an evdev node (a pty in tests, a simulator): nothing to grab, the bytes are the same.
                note = "not an evdev node, not grabbed"
        self._fd = fd
        return note

    def _disconnect(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)  # closing also releases the grab

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self._fd, 64 * 24)
        except BlockingIOError:
            return b""
        if not data:
            raise OSError("end of file")
        return data

    def _decode(self, data: bytes, now: float) -> list[Code]:
        # A half-typed scan that stopped (garbage, a scanner reset) must not prefix the next one, and a
        # modifier still down when keys stop lost its release.
        if self.keys.pending and now - self._last_key > self.idle_s:
            self.keys.timeout()
        out: list[Code] = []
        for event in self.records.feed(data):
            self._last_key = now
            text = self.keys.feed(event)
            if text is not None:
                out.append((text, None))
        return out

    def _reset(self) -> None:
        self.records.reset()
        self.keys.reset()

    def _discarded(self) -> int:
        return self.keys.discarded

    def _warning(self) -> tuple[str, str] | None:
        stuck = self.keys.stuck
        if not stuck:
            return None
        names = " + ".join(MODIFIER_NAMES.get(code, f"key {code}") for code in sorted(stuck))
        return (
            f"stuck key: {names} was still down at the end of a scan (its release was lost); "
            "that scan was dropped, scan again",
            f"扫码器按键卡住({names}),该次扫码已丢弃,请重新扫码",
        )

    def _counters(self) -> dict[str, int]:
        return {"lost_releases": self.keys.lost_releases, "dropped_reports": self.keys.dropped_reports}
