"""Tests' side of the simulators: start one as a real process, send it commands, stop it; wait for
what a driver's thread does."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support import LineReader

ROOT = Path(__file__).resolve().parents[2]


def wait_for(check: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Poll `check` every 20 ms until it holds; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class SimProc:
    def __init__(self, module: str, *args: str, timeout: float = 20.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._reader = LineReader(self.proc.stdout)
        self.info = self._line(timeout)
        if not self.info.get("ready"):
            raise RuntimeError(f"{module} did not start: {self.info}")

    @property
    def device(self) -> str:
        return str(self.info["device"])

    def _line(self, timeout: float) -> dict[str, Any]:
        try:
            return self._reader.json(timeout)
        except (TimeoutError, EOFError) as exc:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
            raise TimeoutError(f"no answer from the simulator within {timeout}s ({exc}) {err}") from exc

    def command(self, *words: str, timeout: float = 10.0) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write((" ".join(words) + "\n").encode())
        self.proc.stdin.flush()
        answer = self._line(timeout)
        if not answer.get("ok"):
            raise RuntimeError(f"simulator refused {' '.join(words)!r}: {answer}")
        return answer

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError, TimeoutError, RuntimeError):
                self.command("quit", timeout=3)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self) -> SimProc:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
