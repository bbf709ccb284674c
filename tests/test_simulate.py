"""The technician's path: `kiosk simulate` starts every device simulator, writes a devices config for the
real drivers, runs `kiosk doctor` over them and reports each device's status to the back office."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import HallFactory
from tests.support import ROOT


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_simulated_hall_reports_its_devices(
    make_hall: HallFactory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    hall, api = make_hall()
    data = tmp_path_factory.mktemp("devices")
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "simulate",
            "--data",
            str(data),
            "--report",
            hall.url,
            "--token",
            api.tokens["technician"],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 90
        devices: list[dict] = []  # type: ignore[type-arg]
        while time.monotonic() < deadline and len(devices) < 6:
            time.sleep(0.5)
            devices = api.get("/devices", "technician").json()
            assert sim.poll() is None, sim.stdout.read() if sim.stdout else ""
        kinds = {d["kind"]: d for d in devices}
        assert set(kinds) == {"idcard", "printer", "qrscanner", "led", "camera", "speech"}, devices
        for kind in ("idcard", "printer", "led", "camera"):
            assert kinds[kind]["status"] == "ok", kinds[kind]
            assert kinds[kind]["details"]["self_test_passed"] is True
        # This machine has no sound card: speech works but is not heard, and says so.
        assert (
            kinds["speech"]["status"] == "degraded" and "no audio output device" in kinds["speech"]["reason"]
        )
        config = (data / "devices.toml").read_text()
        assert "[devices.idcard]" in config and 'transport = "network"' in config
    finally:
        sim.send_signal(signal.SIGTERM)
        try:
            sim.wait(20)
        except subprocess.TimeoutExpired:
            sim.kill()
    assert not list((data / "sim").glob("tty*")), "the simulators' device links are removed on exit"
