"""OpenCvCamera against the camera simulator process: an MJPEG stream over a real loopback socket.

The simulator can hang (pause), vanish (drop), come back (restore) or be killed and restarted on the
same port; the one driver object must ride through all of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.base import Health
from drivers.camera.opencv_camera import OpenCvCamera
from tests.drivers.simproc import SimProc, wait_for
from tests.drivers.test_camera import (
    HEIGHT,
    WIDTH,
    camera,
    frame_index,
    media,
    no_files_written,
    wait_health,
)

__all__ = ["media", "no_files_written"]  # fixtures shared with test_camera.py

SIM = "drivers.camera.simulator"
FRAMES = 100  # the simulated clip's length; its frames carry their index 0..99


@pytest.fixture
def sim(media: dict[str, Path]) -> Iterator[SimProc]:
    with SimProc(SIM, "--source", str(media["video"]), "--http", "127.0.0.1:0") as proc:
        yield proc


@pytest.fixture
def cam(sim: SimProc) -> Iterator[OpenCvCamera]:
    with camera(sim.device) as c:
        assert c.wait_frame(0, 5) is not None, c.status().reason
        yield c


def flowing(cam: OpenCvCamera, frames: int = 5, timeout: float = 5.0) -> None:
    """New frames arrive again and status says so."""
    start = cam.latest()
    seq = start.seq if start else 0
    for _ in range(frames):
        frame = cam.wait_frame(seq, timeout)
        assert frame is not None, cam.status().reason
        seq = frame.seq
    wait_health(cam, Health.OK, timeout)


def test_frames_arrive_and_only_the_latest_is_kept(sim: SimProc, cam: OpenCvCamera) -> None:
    frame = cam.latest()
    assert frame is not None and frame.image.shape == (HEIGHT, WIDTH, 3)
    assert sim.info["width"] == WIDTH and sim.info["fps"] == 25
    before = frame.seq
    # Nobody reads for half a second: the thread must replace frames, not queue them.
    time.sleep(0.5)
    sent = sim.command("stat")["index"]
    latest = cam.wait_frame(before, 1)
    assert latest is not None and latest is cam.latest()
    assert latest.seq - before >= 8  # the ones in between were dropped, not kept for the reader
    # What we hold is what the camera sent last, give or take a frame in flight.
    assert (sent - frame_index(latest.image)) % FRAMES <= 2
    assert latest.age() < 0.2
    st = cam.status()
    assert st.health is Health.OK and 18 <= st.details["fps"] <= 32


def test_a_hung_stream_goes_stale_and_recovers_on_restore(sim: SimProc, cam: OpenCvCamera) -> None:
    sim.command("pause")
    reason = wait_health(cam, Health.DEGRADED, 3)
    assert "stale" in reason or "reconnecting" in reason
    sim.command("restore")
    flowing(cam)


def test_a_dropped_camera_is_reconnected_without_a_new_driver(sim: SimProc, cam: OpenCvCamera) -> None:
    sim.command("drop")
    # First the read fails, then reopening is refused: the reason follows what the device does.
    wait_for(lambda: "connection refused" in cam.status().reason, 3)
    st = cam.status()
    assert st.health is Health.DEGRADED and st.reason.startswith(f"reconnecting to {sim.device}: ")
    before = cam.latest()
    assert before is not None
    sim.command("restore")
    flowing(cam)
    after = cam.latest()
    assert after is not None and after.seq > before.seq
    assert cam.diagnostics()["opens"] >= 2


def test_an_outage_longer_than_fault_after_is_a_fault(sim: SimProc) -> None:
    with camera(sim.device, fault_after_s=0.6) as cam:
        assert cam.wait_frame(0, 5) is not None
        sim.command("drop")
        wait_health(cam, Health.DEGRADED, 3)
        reason = wait_health(cam, Health.FAULT, 3)
        assert reason.startswith(f"cannot open source {sim.device}: connection refused")
        sim.command("restore")
        flowing(cam)


def test_a_killed_and_restarted_camera_process_is_picked_up_again(media: dict[str, Path]) -> None:
    first = SimProc(SIM, "--source", str(media["video"]))
    try:
        port = first.info["port"]
        with camera(first.device) as cam:
            assert cam.wait_frame(0, 5) is not None
            first.proc.kill()
            first.proc.wait(5)
            wait_for(lambda: "reconnecting" in cam.status().reason, 3)
            with SimProc(SIM, "--source", str(media["video"]), "--http", f"127.0.0.1:{port}") as second:
                assert second.device == first.device
                flowing(cam)
    finally:
        first.stop()


def test_self_test_against_the_stream(sim: SimProc) -> None:
    idle = camera(sim.device).self_test()  # opens a capture of its own
    assert idle.passed, idle.describe()
    assert "320x240" in idle.describe()
    with camera(sim.device) as cam:  # uses the running capture's frames
        running = cam.self_test()
        assert running.passed, running.describe()
        rate = float(running.describe().split("320x240, ")[1].split(" fps")[0])
        assert 15 <= rate <= 40


def test_a_wrong_path_on_a_live_server_is_a_fault_that_says_so(sim: SimProc) -> None:
    wrong = sim.device.replace("/stream.mjpg", "/nothing")
    with camera(wrong) as cam:
        reason = wait_health(cam, Health.FAULT, 5)
        assert reason.startswith(f"cannot open source {wrong}: ") and "sent no readable video" in reason
