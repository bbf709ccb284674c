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


def read_lines(proc: subprocess.Popen[str], want: int, timeout: float) -> list[str]:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < want and time.monotonic() < deadline:
        if sel.select(timeout=0.2):
            line = proc.stdout.readline()
            if line:
                lines.append(line.strip())
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
        text=True,
        cwd=ROOT,
        env={**os.environ, "HALL_TOKEN": api.tokens["display"], "PYTHONUNBUFFERED": "1"},
    )
    try:
        api.issue(SOCIAL)
        api.issue(SOCIAL)
        api.post("/counters/c1/call-next", "counter")
        first = read_lines(watcher, 3, 10)
        assert [x.split("]", 1)[1].split()[0] for x in first] == ["取号", "取号", "请"]
        assert "B001 号到 1 号窗口" in first[2]
        hall.kill()
        hall.start()
        api.post("/counters/c1/no-show", "counter")
        api.post("/counters/c1/call-next", "counter")
        more = read_lines(watcher, 1, 15)
        assert len(more) == 1 and "B002 号到 1 号窗口" in more[0]
        assert read_lines(watcher, 1, 1.5) == []  # nothing repeated after the reconnect
    finally:
        watcher.kill()
        watcher.wait(5)
