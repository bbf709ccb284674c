"""OpenCvCamera on sources opened directly: video and image files, absent devices, refused URLs.

Every test here (and in test_camera_sim.py) runs with the working directory and TMPDIR pointed at empty
folders and fails if anything appears in them: frames, which may show faces, must never reach a disk.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from drivers import registry
from drivers.base import Health, SettingsError
from drivers.camera import Frame
from drivers.camera.cv import cv2
from drivers.camera.opencv_camera import OpenCvCamera
from drivers.camera.source import SourceKind, parse_source
from tests.drivers.simproc import ROOT, wait_for

WIDTH, HEIGHT, FPS = 320, 240, 25
_BITS, _CELL, _PITCH = 8, 24, 28


def pattern(index: int, dark: bool = False) -> np.ndarray:
    """A test frame: a moving bar, its number in digits, and the number again as 8 big squares (bits)."""
    img = np.full((HEIGHT, WIDTH, 3), 8 if dark else 110, np.uint8)
    if dark:
        return img
    x = (index * 7) % (WIDTH - 40)
    cv2.rectangle(img, (x, 120), (x + 40, 200), (40, 200, 240), -1)
    cv2.putText(img, f"#{index}", (10, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
    for bit in range(_BITS):
        on = (index >> bit) & 1
        x0 = 4 + bit * _PITCH
        cv2.rectangle(img, (x0, 4), (x0 + _CELL, 4 + _CELL), (255, 255, 255) if on else (0, 0, 0), -1)
    return img


def frame_index(img: np.ndarray) -> int:
    """The number pattern() encoded, read back through JPEG/MJPEG compression."""
    value = 0
    for bit in range(_BITS):
        x0 = 4 + bit * _PITCH
        if img[10 : 4 + _CELL - 6, x0 + 6 : x0 + _CELL - 6].mean() > 128:
            value |= 1 << bit
    return value


def write_video(path: Path, frames: int, dark: bool = False, fps: int = FPS) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for i in range(frames):
        writer.write(pattern(i, dark))
    writer.release()
    return path


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("camera-media")
    image = d / "still.png"
    cv2.imwrite(str(image), pattern(42))
    (d / "notes.txt").write_text("not a video\n")
    return {
        "video": write_video(d / "clip.avi", 100),
        "short": write_video(d / "short.avi", 10),
        "dark": write_video(d / "dark.avi", 10, dark=True),
        "image": image,
        "text": d / "notes.txt",
    }


@pytest.fixture(autouse=True)
def no_files_written(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Capture with the cwd and the temp dir watched: they must stay empty (hall standards §4.5)."""
    cwd = tmp_path_factory.mktemp("cwd")
    tmp = tmp_path_factory.mktemp("tmp")
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield
    written = [str(p) for p in (*cwd.rglob("*"), *tmp.rglob("*"))]
    assert written == [], f"the camera wrote files: {written}"


def camera(source: str | Path, **settings: object) -> OpenCvCamera:
    base: dict[str, object] = {
        "source": str(source),
        "open_timeout_s": 1.0,
        "read_timeout_s": 0.5,
        "reconnect_max_s": 0.3,
        "stale_s": 0.5,
    }
    return OpenCvCamera({**base, **settings})


def wait_health(cam: OpenCvCamera, health: Health, timeout: float = 5.0) -> str:
    wait_for(lambda: cam.status().health is health, timeout)
    return cam.status().reason


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- pure parts ---------------------------------------------------------------------------------


def test_importing_cv_through_the_driver_removes_the_qt5_plugin_variables() -> None:
    code = (
        "import os, cv2; assert 'QT_QPA_PLATFORM_PLUGIN_PATH' in os.environ; "
        "import drivers.camera.cv as c; print(sorted(set(c.QT_VARIABLES) & set(os.environ)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sources_are_told_apart() -> None:
    assert parse_source("0").kind is SourceKind.DEVICE and parse_source("0").index == 0
    assert parse_source("/dev/video2").node == "/dev/video2"
    assert parse_source("rtsp://10.0.0.5/stream1").kind is SourceKind.URL
    assert parse_source("http://127.0.0.1:8080/video.mjpg").kind is SourceKind.URL
    assert parse_source("file:///srv/demo.mp4").path == "/srv/demo.mp4"
    assert parse_source("demo/clip.avi").kind is SourceKind.FILE


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"source": ""}, "devices.camera.source"),
        ({"source": "http://:8080/x"}, "devices.camera.source"),
        ({"source": True}, "devices.camera.source"),
        ({"width": -1}, "devices.camera.width"),
        ({"fps": "fast"}, "devices.camera.fps"),
        ({"fourcc": "MJ"}, "devices.camera.fourcc"),
        ({"loop": "yes"}, "devices.camera.loop"),
    ],
)
def test_bad_settings_name_the_key(settings: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        OpenCvCamera(settings)


def test_registry_builds_it_from_the_config_table(media: dict[str, Path]) -> None:
    cam = registry.create("camera", {"driver": "opencv", "source": str(media["video"])})
    assert isinstance(cam, OpenCvCamera) and cam.source.kind is SourceKind.FILE
    assert isinstance(registry.create("camera", {"driver": "opencv", "source": 0}), OpenCvCamera)


# -- files ----------------------------------------------------------------------------------------


def test_video_file_plays_at_its_rate_in_memory_only(media: dict[str, Path]) -> None:
    with camera(media["video"]) as cam:
        first = cam.wait_frame(0, 3)
        assert first is not None and first.image.shape == (HEIGHT, WIDTH, 3)
        time.sleep(0.6)
        later = cam.latest()
        assert later is not None and later.seq > first.seq
        # The file is played as a camera would show it, one frame per 1/25 s, not decoded flat out.
        assert 12 <= later.seq - first.seq <= 25
        assert frame_index(later.image) == (later.seq - 1) % 100
        st = cam.status()
        assert st.health is Health.OK and "320x240" in st.reason
        assert 18 <= st.details["fps"] <= 32
        # Frames are shared by every reader, so nobody may draw on one; and no log line shows pixels.
        with pytest.raises(ValueError):
            later.image[0, 0, 0] = 1
        assert "image" not in repr(later) and "array" not in repr(later)
    assert cam.latest() is None  # stop() forgets the last picture


def test_a_looping_file_starts_again_and_a_non_looping_one_ends(media: dict[str, Path]) -> None:
    with camera(media["short"]) as cam:
        seen: list[int] = []
        seq = 0
        while len(seen) < 16:
            frame = cam.wait_frame(seq, 2)
            assert frame is not None
            seq = frame.seq
            seen.append(frame_index(frame.image))
        assert 9 in seen and seen.index(9) < len(seen) - 1 and seen[seen.index(9) + 1] == 0
    with camera(media["short"], loop=False) as cam:
        wait_for(lambda: "ended" in cam.status().reason, 3)
        assert cam.status().health is Health.DEGRADED
        assert (latest := cam.latest()) is not None and latest.seq == 10


def test_an_image_file_is_a_still_camera(media: dict[str, Path]) -> None:
    with camera(media["image"], fps=20) as cam:
        first = cam.wait_frame(0, 2)
        assert first is not None and frame_index(first.image) == 42
        second = cam.wait_frame(first.seq, 2)
        assert second is not None and second.seq == first.seq + 1
        assert np.array_equal(first.image, cv2.imread(str(media["image"])))


def test_self_test_reports_size_rate_and_brightness(media: dict[str, Path]) -> None:
    result = camera(media["video"]).self_test()
    assert result.passed, result.describe()
    assert "10/10 frames, 320x240, 25.0 fps" in result.describe()
    dark = camera(media["dark"]).self_test()
    assert not dark.passed
    step = {s.name: s for s in dark.steps}["brightness"]
    assert not step.passed and "lens covered" in step.message


# -- sources that cannot be opened ----------------------------------------------------------------


def _absent_device_index() -> int:
    return next(i for i in range(10, 64) if not os.path.exists(f"/dev/video{i}"))


def _bad_sources(media: dict[str, Path]) -> list[tuple[str, str]]:
    index = _absent_device_index()
    return [
        (str(media["video"]) + ".missing", "no such file"),
        (str(media["text"]), "not a video or image"),
        (str(index), f"/dev/video{index} does not exist"),
        (f"http://127.0.0.1:{free_port()}/stream.mjpg", "connection refused"),
    ]


def test_a_source_that_cannot_be_opened_is_a_fault_naming_it(media: dict[str, Path]) -> None:
    for source, why in _bad_sources(media):
        cam = camera(source)
        with cam:
            reason = wait_health(cam, Health.FAULT, 3)
            assert reason.startswith(f"cannot open source {source}: ") and why in reason, reason
            assert cam.latest() is None
        result = cam.self_test()
        assert not result.passed and why in result.describe()


def test_idle_status_checks_cheaply_without_opening(media: dict[str, Path]) -> None:
    assert camera(media["video"]).status().health is Health.OK
    missing = camera(str(media["video"]) + ".missing").status()
    assert missing.health is Health.FAULT and "no such file" in missing.reason
    assert camera(str(_absent_device_index())).status().health is Health.FAULT


def test_wait_frame_times_out_and_frame_has_its_capture_time(media: dict[str, Path]) -> None:
    with camera(media["image"], fps=5) as cam:
        frame = cam.wait_frame(0, 2)
        assert isinstance(frame, Frame)
        assert abs(frame.at - time.time()) < 1 and frame.age() < 1
        t0 = time.monotonic()
        assert cam.wait_frame(frame.seq + 1000, 0.2) is None
        assert 0.15 < time.monotonic() - t0 < 1
