"""Resident kiosk benchmark: cold start, card placed -> ticket on screen, memory over many tickets.

    .venv/bin/python tests/bench_kiosk.py [--tickets 200] [--cards 10]

Real processes as in tests/ui/test_kiosk_run.py: `kiosk serve` on loopback (SQLite), the ID-card reader
simulator on a pty with realistic timing, the printer simulator on loopback, and `kiosk run` offscreen
(software renderer) driven through its automation channel. Each figure is printed beside a baseline
measured in the same run, on the same machine:

  cold start   process start -> home screen ready      baseline: a bare Qt Quick window, same Python
  card         card placed -> ticket on screen, minus the resident's own tap on "confirm" and minus the
               reader's own read time                  baseline: the reader driver alone reading the card
  memory       kiosk RSS after 100 and 200 tickets     baseline: RSS at the home screen

Targets (issue 8): cold start < 3 s; card -> ticket < 1 s beyond the read; RSS < 350 MB and no growth
between ticket 100 and 200.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.idcard.sam import SamSerialReader
from kiosk.simulate import Simulator, _settings, _start
from tests.ui.test_board_support import SOCIAL, BoardProcess, percentile, running_hall, setup_counters
from tests.ui.test_kiosk_run import ORDINARY_CATEGORY, kiosk_config, on_screen, state, take_ticket

BARE_QT = """
import json, os, sys, time
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
app = QGuiApplication(sys.argv[:1])
engine = QQmlApplicationEngine()
engine.loadData(b"import QtQuick\\nWindow { visible: true; width: 1080; height: 1920 }")
print(json.dumps({"ready": True}), flush=True)
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def bare_qt_start_s() -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", BARE_QT], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and '"ready"' in proc.stdout.readline()
    took = time.monotonic() - t0
    proc.wait(10)
    return took


def reader_alone_s(reader: Simulator, cards: int) -> list[float]:
    """The driver reading the simulated card with nothing else running: the reader's own read time."""
    times = []
    driver = SamSerialReader(
        {k: v for k, v in reader.settings.items() if k != "driver"} | {"poll_interval": 0.05}
    )
    driver.open()
    try:
        for _ in range(cards):
            reader.command("remove")
            driver.read_card(0.3)  # sees the card gone
            t0 = time.monotonic()
            reader.command("place young")
            assert driver.read_card(10) is not None
            times.append(time.monotonic() - t0)
    finally:
        driver.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tickets", type=int, default=200)
    ap.add_argument("--cards", type=int, default=10)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-kiosk-"))
    (tmp / "hall").mkdir()
    sims: dict[str, Simulator] = {}
    with running_hall(tmp / "hall") as hall:
        setup_counters(hall.api)
        try:
            for kind, sim_args in (
                ("idcard", ["--link", str(tmp / "ttyIDCARD"), "--timing", "realistic"]),
                ("printer", ["--tcp", "127.0.0.1:0", "--jobs", str(tmp / "jobs")]),
            ):
                proc, info = _start(kind, sim_args)
                sims[kind] = Simulator(kind, proc, info, _settings(kind, info))
            bare = [bare_qt_start_s() for _ in range(3)]
            alone = reader_alone_s(sims["idcard"], args.cards)
            config = kiosk_config(tmp, hall, sims)
            starts = []
            for _ in range(3):
                k = BoardProcess(["--config", str(config)], tmp / "kiosk.log", module=("kiosk", "run"))
                starts.append(k.ready_at - k.started_at)
                k.close()
            kiosk = BoardProcess(["--config", str(config)], tmp / "kiosk.log", module=("kiosk", "run"))
            try:
                home_rss = rss_mb(kiosk.proc.pid)
                card_s = []
                for _ in range(args.cards):
                    kiosk.ask(cmd="click", name="takeTicket")
                    on_screen(kiosk, "categories")
                    kiosk.ask(cmd="click", name=f"tile_{ORDINARY_CATEGORY}")
                    on_screen(kiosk, "matters")
                    kiosk.ask(cmd="click", name=f"tile_{SOCIAL}")
                    on_screen(kiosk, "identify")
                    sims["idcard"].command("remove")
                    time.sleep(0.3)
                    t0 = time.monotonic()
                    sims["idcard"].command("place young")
                    kiosk.wait_for(lambda: state(kiosk)["screen"] != "identify", 15, every=0.005)
                    t1 = time.monotonic()
                    kiosk.ask(cmd="click", name="reason_none")
                    on_screen(kiosk, "confirm")
                    t2 = time.monotonic()
                    kiosk.ask(cmd="click", name="confirmButton")
                    kiosk.wait_for(lambda: state(kiosk)["screen"] == "ticket", 15, every=0.005)
                    t3 = time.monotonic()
                    card_s.append((t1 - t0) + (t3 - t2))
                    kiosk.ask(cmd="click", name="doneButton")
                    on_screen(kiosk, "home")
                rss: dict[int, float] = {}
                for n in range(1, args.tickets + 1):
                    sims["idcard"].command("remove")
                    sims["idcard"].command("place young")
                    kiosk.wait_for(lambda: state(kiosk)["cardRead"], 15, every=0.01)
                    take_ticket(kiosk, ORDINARY_CATEGORY, SOCIAL)
                    kiosk.ask(cmd="click", name="doneButton")
                    on_screen(kiosk, "home")
                    if n in (args.tickets // 2, args.tickets):
                        rss[n] = rss_mb(kiosk.proc.pid)
            finally:
                kiosk.close()
        finally:
            for sim in sims.values():
                sim.stop()

    read_p50 = percentile(alone, 50)
    beyond = [c - read_p50 for c in card_s]
    half, full = args.tickets // 2, args.tickets
    print(
        f"cold start to home      p50 {percentile(starts, 50):6.2f} s   (bare Qt Quick window "
        f"{percentile(bare, 50):.2f} s; target < 3 s)"
    )
    print(
        f"card -> ticket on screen p50 {percentile(card_s, 50):6.3f} s   p95 {percentile(card_s, 95):.3f} s"
    )
    print(
        f"  beyond the read time   p50 {percentile(beyond, 50):6.3f} s   p95 {percentile(beyond, 95):.3f} s  "
        f"(reader alone p50 {read_p50:.3f} s; target < 1 s)"
    )
    print(
        f"kiosk RSS               home {home_rss:.0f} MB, after {half} tickets {rss[half]:.0f} MB, "
        f"after {full} {rss[full]:.0f} MB (growth {rss[full] - rss[half]:+.1f} MB; target < 350 MB, none)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
