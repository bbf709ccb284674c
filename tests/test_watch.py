"""`queue-display watch` follows the event stream across a back-office restart without repeating a call."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time

import pytest

from tests.conftest import HallFactory
from tests.support import ROOT
from tests.test_api import SOCIAL, setup_counters


class LineReader:
    """Lines from a child's stdout with a timeout (raw reads: a buffered pipe would hide ready lines)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.fd = proc.stdout.fileno()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.fd, selectors.EVENT_READ)
        self.buf = b""

    def read(self, want: int, timeout: float) -> list[str]:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while len(lines) < want:
            while b"\n" in self.buf and len(lines) < want:
                line, self.buf = self.buf.split(b"\n", 1)
                lines.append(line.decode().strip())
            left = deadline - time.monotonic()
            if len(lines) >= want or left <= 0:
                break
            if self.sel.select(timeout=min(left, 0.2)):
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                self.buf += chunk
        return lines


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_watch_resumes_after_restart(make_hall: HallFactory) -> None:
    hall, api = make_hall()
    setup_counters(api)
    start = int(api.get("/health").json()["last_seq"])
    watcher = subprocess.Popen(
        [sys.executable, "-m", "queue_display.cli", "watch", "--hall", hall.url, "--since", str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "HALL_TOKEN": api.tokens["display"], "PYTHONUNBUFFERED": "1"},
    )
    out = LineReader(watcher)
    try:
        api.issue(SOCIAL)
        api.issue(SOCIAL)
        api.post("/counters/c1/call-next", "counter")
        first = out.read(3, 10)
        assert [x.split("]", 1)[1].split()[0] for x in first] == ["取号", "取号", "请"]
        assert "B001 号到 1 号窗口" in first[2]
        hall.kill()
        hall.start()
        api.post("/counters/c1/no-show", "counter")
        api.post("/counters/c1/call-next", "counter")
        more = out.read(1, 15)
        assert len(more) == 1 and "B002 号到 1 号窗口" in more[0]
        assert out.read(1, 1.5) == []  # nothing repeated after the reconnect
    finally:
        watcher.kill()
        watcher.wait(5)
