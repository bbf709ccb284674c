"""`queue-display watch` follows the event stream across a back-office restart without repeating a call."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import HallFactory
from tests.support import ROOT, LineReader
from tests.test_api import SOCIAL, setup_counters


def read_lines(reader: LineReader, want: int, timeout: float) -> list[str]:
    """Up to `want` lines, as many as come within `timeout`."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < want:
        try:
            lines.append(reader.line(max(0.0, deadline - time.monotonic())).strip())
        except (TimeoutError, EOFError):
            break
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
    out = LineReader(watcher.stdout)
    try:
        api.issue(SOCIAL)
        api.issue(SOCIAL)
        api.post("/counters/c1/call-next", "counter")
        first = read_lines(out, 3, 10)
        assert [x.split("]", 1)[1].split()[0] for x in first] == ["取号", "取号", "请"]
        assert "B001 号到 1 号窗口" in first[2]
        hall.kill()
        hall.start()
        api.post("/counters/c1/no-show", "counter")
        api.post("/counters/c1/call-next", "counter")
        more = read_lines(out, 1, 15)
        assert len(more) == 1 and "B002 号到 1 号窗口" in more[0]
        assert read_lines(out, 1, 1.5) == []  # nothing repeated after the reconnect
    finally:
        watcher.kill()
        watcher.wait(5)
