"""Shared plumbing of the device simulators: a pseudo-terminal at a stable path, and the control loop.

Every simulator is its own process (`python -m drivers.<kind>.simulator ...`). It prints one JSON line
on stdout when ready — {"ready": true, "device": PATH_OR_ADDRESS, ...} — then reads control commands,
one per line on stdin (e.g. `place elderly`, `fault garbled`, `unplug`), and answers each with one JSON
line {"ok": true|false, ...}. The device side speaks the real wire protocol on a pty or a socket, so the
production driver is tested byte for byte against it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import sys
import threading
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Any


class PtyDevice:
    """A serial device played on a pty whose slave end is reachable at a stable symlink.

    `unplug()` closes the pty and removes the link, as pulling a USB-serial adapter removes /dev/ttyUSB0;
    `replug()` brings a new pty back at the same path, so a driver configured with that path can recover.
    """

    def __init__(self, link: str | os.PathLike[str]) -> None:
        self.link = Path(link)
        self.master = -1
        self._slave = -1
        self.lock = threading.Lock()
        self.replug()

    @property
    def plugged(self) -> bool:
        return self.master >= 0

    def replug(self) -> None:
        with self.lock:
            if self.plugged:
                return
            master, slave = os.openpty()
            tty.setraw(master)
            tty.setraw(slave)
            self.master, self._slave = master, slave
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(os.ttyname(slave))
            tmp.replace(self.link)

    def unplug(self) -> None:
        with self.lock:
            if not self.plugged:
                return
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
            # Closing both ends makes the driver's reads fail with EIO, as a vanished USB device does.
            for fd in (self.master, self._slave):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self.master = self._slave = -1

    def write(self, data: bytes) -> None:
        fd = self.master
        if fd < 0:
            return
        view = memoryview(data)
        while view:
            try:
                n = os.write(fd, view)
            except OSError:
                return
            view = view[n:]

    def read(self, n: int = 4096) -> bytes:
        """Read what the host sent; b'' once unplugged.

        Waits in short select() slices rather than one blocking os.read: a read blocked in the kernel would
        keep the pty alive after unplug() closed it from another thread, and the driver would never see the
        disconnection.
        """
        while True:
            fd = self.master
            if fd < 0:
                return b""
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready and fd == self.master:
                    return os.read(fd, n)
            except (OSError, ValueError):
                return b""

    def close(self) -> None:
        self.unplug()


def announce(**info: Any) -> None:
    print(json.dumps({"ready": True, **info}, ensure_ascii=False), flush=True)


def reply(ok: bool = True, **info: Any) -> None:
    print(json.dumps({"ok": ok, **info}, ensure_ascii=False), flush=True)


def control_loop(handle: Callable[[list[str]], dict[str, Any] | None]) -> None:
    """Read commands from stdin until EOF or `quit`; `handle` returns reply fields or raises ValueError."""
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "quit":
            reply(True)
            return
        try:
            extra = handle(words) or {}
        except ValueError as exc:
            reply(False, error=str(exc))
        else:
            reply(True, **extra)
