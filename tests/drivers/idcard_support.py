"""Helpers of the ID-card tests: start the simulator process, build a driver tuned for fast tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drivers.idcard.sam import SamSerialReader
from tests.drivers.simproc import SimProc

SIMULATOR = "drivers.idcard.simulator"

# Short timeouts and back-off so fault tests take a second, not a minute. Timeouts stay well above the
# fast simulator's reply time (< 5 ms) so nothing here is a race.
FAST = {
    "poll_interval": 0.05,
    "command_timeout": 0.25,
    "read_timeout": 0.5,
    "retries": 2,
    "reconnect_min": 0.05,
    "reconnect_max": 0.3,
    "health_interval": 1.0,
}


@contextlib.contextmanager
def simulator(tmp_path: Path, timing: str = "fast", *extra: str) -> Iterator[SimProc]:
    with SimProc(SIMULATOR, "--link", str(tmp_path / "ttyIDCARD"), "--timing", timing, *extra) as sim:
        yield sim


def make_reader(port: str, **settings: Any) -> SamSerialReader:
    return SamSerialReader({"port": port, **FAST, **settings})


def sim_stats(sim: SimProc) -> dict[str, int]:
    return dict(sim.command("stats")["stats"])
