"""`kiosk simulate`: the hall's devices played by their simulators, for a demo, a trial or a test bench.

Each simulator runs as its own process and speaks its device's real protocol on a pty or a loopback
socket; this writes `DATA/devices.toml`, a configuration that points the real drivers at them, so every
other part of the product (the kiosk, `kiosk doctor`) runs unchanged. Its stdin is a console: a line
`KIND COMMAND…` (e.g. `idcard place elderly`, `printer paper out`, `qrscanner scan HQA1:…`) goes to that
simulator.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Simulator:
    kind: str
    proc: subprocess.Popen[str]
    info: dict[str, Any]
    settings: dict[str, Any]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def command(self, line: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with self.lock:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            return dict(
                json.loads(self.proc.stdout.readline() or '{"ok": false, "error": "simulator ended"}')
            )

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                self.command("quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def _test_pattern(path: Path) -> Path:
    """A camera picture with no person in it (colour bars and a clock face), made here rather than shipped."""
    import numpy as np

    from drivers.camera.cv import cv2

    img = np.zeros((480, 640, 3), np.uint8)
    bars = [
        (192, 192, 192),
        (0, 192, 192),
        (192, 192, 0),
        (0, 192, 0),
        (192, 0, 192),
        (0, 0, 192),
        (192, 0, 0),
    ]
    for i, colour in enumerate(bars):
        img[:320, i * 92 : (i + 1) * 92] = colour
    cv2.circle(img, (320, 400), 60, (255, 255, 255), 3)
    cv2.putText(img, "HALL CAMERA SIMULATOR", (140, 460), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2)
    cv2.imwrite(str(path), img)
    return path


def _start(kind: str, args: list[str], timeout: float = 20.0) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", f"drivers.{kind}.simulator", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        bufsize=1,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    result: dict[str, Any] = {}

    def first_line() -> None:
        line = proc.stdout.readline() if proc.stdout else ""
        if line:
            result.update(json.loads(line))

    t = threading.Thread(target=first_line, daemon=True)
    t.start()
    t.join(timeout)
    if not result.get("ready"):
        proc.kill()
        raise RuntimeError(f"the {kind} simulator did not start within {timeout:.0f}s")
    return proc, result


def start_all(data_dir: Path) -> list[Simulator]:
    sim_dir = data_dir / "sim"
    sim_dir.mkdir(parents=True, exist_ok=True)
    plans: list[tuple[str, list[str]]] = [
        ("idcard", ["--link", str(sim_dir / "ttyIDCARD"), "--timing", "realistic"]),
        ("printer", ["--tcp", "127.0.0.1:0", "--jobs", str(sim_dir / "printer-jobs"), "--png"]),
        ("qrscanner", ["--link", str(sim_dir / "ttySCANNER"), "--mode", "serial", "--suffix", "CR"]),
        ("led", ["--link", str(sim_dir / "ttyLED")]),
        ("camera", ["--source", str(_test_pattern(sim_dir / "camera.png")), "--http", "127.0.0.1:0"]),
    ]
    sims: list[Simulator] = []
    try:
        for kind, args in plans:
            proc, info = _start(kind, args)
            sims.append(Simulator(kind, proc, info, _settings(kind, info)))
    except Exception:
        for s in sims:
            s.stop()
        raise
    return sims


def _settings(kind: str, info: dict[str, Any]) -> dict[str, Any]:
    device = str(info["device"])
    if kind == "idcard":
        return {"driver": "sam-serial", "port": device, "baud": 115200}
    if kind == "printer":
        host, _, port = device.removeprefix("tcp://").rpartition(":")
        return {"driver": "escpos", "transport": "network", "host": host, "tcp_port": int(port)}
    if kind == "qrscanner":
        return {"driver": "serial", "port": device, "suffix": "CR"}
    if kind == "led":
        return {"driver": "serial", "port": device}
    if kind == "camera":
        return {"driver": "opencv", "source": device}
    raise ValueError(kind)


def devices_toml(sims: list[Simulator]) -> str:
    lines = ["# Written by `kiosk simulate`: the real drivers, pointed at the device simulators.", ""]
    tables = {s.kind: s.settings for s in sims}
    # Speech needs no simulator: espeak-ng synthesises here; with no sound card the driver says so.
    tables["speech"] = {"driver": "espeak-ng"}
    for kind, settings in tables.items():
        lines.append(f"[devices.{kind}]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in settings.items()]
        lines.append("")
    return "\n".join(lines)


def run(data_dir: Path, report_url: str | None, token: str | None, console: bool = False) -> int:
    from kiosk import doctor
    from kiosk.config import load_config

    sims = start_all(data_dir)
    by_kind = {s.kind: s for s in sims}
    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    try:
        config_path = data_dir / "devices.toml"
        config_path.write_text(devices_toml(sims), encoding="utf-8")
        print(f"simulated devices are running; configuration: {config_path}", flush=True)
        for s in sims:
            print(f"  {s.kind:<10} {s.info['device']}", flush=True)
        devices = load_config(config_path).devices
        doctor.run(devices, None, report_url=report_url, token=token)
        if console:
            print(
                "console: KIND COMMAND (e.g. `idcard place elderly`, `printer paper out`), `quit` to stop",
                flush=True,
            )
            threading.Thread(target=_console, args=(by_kind, stopping), daemon=True).start()
        while not stopping.wait(0.5):
            dead = [s.kind for s in sims if s.proc.poll() is not None]
            if dead:
                print(f"kiosk simulate: the {', '.join(dead)} simulator stopped", file=sys.stderr)
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for s in sims:
            s.stop()


def _console(sims: dict[str, Simulator], stopping: threading.Event) -> None:
    for raw in sys.stdin:
        words = raw.split(maxsplit=1)
        if not words:
            continue
        if words[0] == "quit":
            break
        sim = sims.get(words[0])
        if sim is None or len(words) < 2:
            print(f"  kinds: {', '.join(sims)}; e.g. `idcard place elderly`", flush=True)
            continue
        print("  " + json.dumps(sim.command(words[1].strip()), ensure_ascii=False), flush=True)
    time.sleep(0.1)
    stopping.set()
