"""OpenCvCamera: capture from a device, a stream URL or a file in a thread, newest frame only, reconnecting.

The thread owns the cv2.VideoCapture; callers only ever see the last Frame. A source that fails is
reopened with a doubling back-off (capped by `reconnect_max_s`), so pulling the USB cable or restarting
an IP camera heals without recreating the driver. Nothing is written to disk.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from drivers.base import CheckStep, DeviceStatus, Health, SelfTest, SettingsError
from drivers.camera import Camera, Frame
from drivers.camera.cv import cv2
from drivers.camera.source import Feed, FeedOptions, SourceError, SourceKind, open_feed, parse_source
from drivers.worker import Outcome, ReconnectingWorker

log = logging.getLogger(__name__)

_FIRST_RETRY_S = 0.2


class OpenCvCamera(Camera):
    driver: ClassVar[str] = "opencv"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        spec = self.settings.get("source", "0")
        # A bare TOML integer (source = 0) means the same as "0".
        if isinstance(spec, int) and not isinstance(spec, bool):
            spec = str(spec)
        if not isinstance(spec, str):
            raise SettingsError(f"devices.camera.source must be a string, got {spec!r}")
        self.source = parse_source(spec)
        fourcc = self.setting("fourcc", str, "")
        if fourcc and len(fourcc) != 4:
            raise SettingsError(f"devices.camera.fourcc must be four characters (e.g. MJPG), got {fourcc!r}")
        self.options = FeedOptions(
            width=self.setting("width", int, 0, minimum=0),
            height=self.setting("height", int, 0, minimum=0),
            fps=self.setting("fps", float, 0.0, minimum=0.0),
            fourcc=fourcc,
            open_timeout_s=self.setting("open_timeout_s", float, 5.0, minimum=0.1),
            read_timeout_s=self.setting("read_timeout_s", float, 2.0, minimum=0.1),
        )
        self.loop: bool = self.setting("loop", bool, True)
        self.stale_s: float = self.setting("stale_s", float, 2.0, minimum=0.05)
        self.fault_after_s: float = self.setting("fault_after_s", float, 10.0, minimum=0.0)
        self.reconnect_max_s: float = self.setting("reconnect_max_s", float, 5.0, minimum=_FIRST_RETRY_S)
        self.self_test_frames: int = self.setting("self_test_frames", int, 10, minimum=1)
        self.dark_threshold: float = self.setting("dark_threshold", float, 20.0, minimum=0.0)

        self._cond = threading.Condition()
        # The capture thread; it shares _cond, so status() reads its state and the frames in one step.
        self._worker = ReconnectingWorker(
            f"camera {self.source.spec}",
            self._capture_once,
            first_retry_s=_FIRST_RETRY_S,
            max_retry_s=self.reconnect_max_s,
            fault_after_s=self.fault_after_s,
            logger=log,
            lock=self._cond,
        )
        self._latest: Frame | None = None
        self._seq = 0  # never reset, so wait_frame(after_seq) stays valid across stop/start
        self._times: deque[float] = deque(maxlen=30)
        self._ended = False
        self._opens = 0
        self._failures = 0

    # -- capture thread -------------------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            if self._worker.alive:
                return
            self._ended = False
            self._times.clear()
            self._worker.start()

    def stop(self) -> None:
        self._worker.stop(self.options.open_timeout_s + self.options.read_timeout_s + 2.0)
        with self._cond:
            # The shortest time: the last picture (maybe a face) goes with the capture.
            self._latest = None
            self._times.clear()
            self._cond.notify_all()

    def _capture_once(self, stop: threading.Event) -> Outcome:
        """Open the source and read it until it fails or ends; say what happened."""
        try:
            feed = open_feed(self.source, self.options)
        except SourceError as exc:
            self._fail(stop, str(exc))
            return Outcome.FAILED
        with self._cond:
            self._opens += 1
            self._times.clear()  # the rate shown is this connection's, not diluted by the outage
        try:
            count = self._pump(feed, stop)
        finally:
            feed.release()
        if self.source.kind is SourceKind.FILE:
            if count and self.loop:
                return Outcome.AGAIN
            if count:
                with self._cond:
                    self._ended = True
                return Outcome.DONE
            self._fail(stop, "the file has no readable frames")
            return Outcome.FAILED
        if self.source.kind is SourceKind.URL:
            self._fail(stop, "the stream closed or stalled")
        else:
            self._fail(stop, "the camera stopped delivering frames (unplugged?)")
        return Outcome.WORKED if count else Outcome.FAILED

    def _pump(self, feed: Feed, stop: threading.Event) -> int:
        """Read until the feed ends or fails; returns the number of frames read."""
        count = 0
        period = 1.0 / feed.fps if feed.paced and feed.fps > 0 else 0.0
        due = time.monotonic()
        while not stop.is_set():
            if period:
                wait = due - time.monotonic()
                if wait > 0 and stop.wait(wait):
                    break
                # After a hiccup, carry on at the file's rate instead of bursting to catch up.
                due = max(due + period, time.monotonic() - period)
            image = feed.read()
            if image is None:
                return count
            count += 1
            self._publish(image, stop)
        return count

    def _publish(self, image: np.ndarray, stop: threading.Event) -> None:
        image.flags.writeable = False  # one frame is shared by every reader; nobody may draw on it
        mono = time.monotonic()
        with self._cond:
            # False once stopped: a thread that overran stop() must not leave a frame behind.
            if not self._worker.worked(stop):
                return
            self._seq += 1
            self._latest = Frame(image, self._seq, time.time(), mono)
            self._times.append(mono)
            self._cond.notify_all()

    def _fail(self, stop: threading.Event, reason: str) -> None:
        with self._cond:
            if self._worker.fail(stop, reason):
                self._failures += 1

    # -- frames ---------------------------------------------------------------------------------

    def latest(self) -> Frame | None:
        return self._latest

    def wait_frame(self, after_seq: int = 0, timeout: float = 1.0) -> Frame | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._latest is None or self._latest.seq <= after_seq:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            return self._latest

    def measured_fps(self) -> float:
        with self._cond:
            times = list(self._times)
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    # -- health ---------------------------------------------------------------------------------

    def status(self) -> DeviceStatus:
        src = self.source.spec
        now = time.monotonic()
        with self._cond:
            running, frame, ended = self._worker.running, self._latest, self._ended
            outage, started = self._worker.outage(now), self._worker.started_at
        details: dict[str, Any] = {"source": src, "kind": self.source.kind.value}
        if not running:
            return self._idle_status(details)
        if ended:
            return DeviceStatus(
                Health.DEGRADED, f"{src}: the video file ended (loop = false)", "视频文件已播完", details
            )
        if outage is not None:
            details["failing_for_s"] = round(outage.failing_for, 1)
            if outage.health is Health.FAULT:
                return DeviceStatus(
                    Health.FAULT, f"cannot open source {src}: {outage.error}", "摄像头无法打开", details
                )
            return DeviceStatus(
                Health.DEGRADED, f"reconnecting to {src}: {outage.error}", "摄像头重新连接中", details
            )
        if frame is None:
            return DeviceStatus(
                Health.DEGRADED,
                f"{src}: opening, no frame yet ({now - started:.1f} s)",
                "摄像头启动中",
                details,
            )
        age = now - frame.monotonic
        fps = self.measured_fps()
        details.update(width=frame.width, height=frame.height, fps=round(fps, 1), frame_age_s=round(age, 2))
        if age > self.stale_s:
            return DeviceStatus(
                Health.DEGRADED, f"stale: no new frame from {src} for {age:.1f} s", "摄像头画面停滞", details
            )
        return DeviceStatus(
            Health.OK, f"capturing {frame.width}x{frame.height} at {fps:.1f} fps", "摄像头正常", details
        )

    def _idle_status(self, details: dict[str, Any]) -> DeviceStatus:
        """Not capturing (the kiosk runs the camera only while a face check needs it): cheap checks."""
        src, kind = self.source.spec, self.source.kind
        missing = ""
        if kind is SourceKind.FILE and not os.path.isfile(self.source.path):
            missing = "no such file"
        elif kind is SourceKind.DEVICE and not os.path.exists(self.source.node):
            missing = f"{self.source.node} does not exist (camera unplugged or not detected)"
        if missing:
            return DeviceStatus(
                Health.FAULT, f"cannot open source {src}: {missing}", "摄像头无法打开", details
            )
        return DeviceStatus(Health.OK, f"idle (not capturing) — {src}", "摄像头待机", details)

    def self_test(self) -> SelfTest:
        """Open (or use the running capture), grab frames, report size, rate and brightness."""
        src, n = self.source.spec, self.self_test_frames
        if self._worker.running:
            frames = self._frames_from_thread(n)
            steps = [CheckStep("open", True, f"{src} is being captured")]
            rate = _rate(frames) if self.source.kind is not SourceKind.FILE else self.measured_fps()
        else:
            try:
                feed = open_feed(self.source, self.options)
            except SourceError as exc:
                return SelfTest((CheckStep("open", False, f"cannot open source {src}: {exc}"),))
            try:
                frames = _frames_from_feed(feed, n)
            finally:
                feed.release()
            steps = [CheckStep("open", True, f"opened {src}")]
            # A file read flat out says nothing about its rate; its declared rate is what plays.
            rate = feed.fps if feed.paced else _rate(frames)
        if not frames:
            steps.append(CheckStep("frames", False, f"no frame from {src}"))
            return SelfTest(tuple(steps))
        image = frames[-1][1]
        h, w = image.shape[:2]
        steps.append(
            CheckStep("frames", len(frames) == n, f"{len(frames)}/{n} frames, {w}x{h}, {rate:.1f} fps")
        )
        brightness = float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).mean())
        dark = brightness < self.dark_threshold
        message = f"mean brightness {brightness:.0f}/255"
        if dark:
            message += " — WARNING: the picture is black: lens covered, shutter closed or no light"
        steps.append(CheckStep("brightness", not dark, message))
        return SelfTest(tuple(steps))

    def _frames_from_thread(self, n: int) -> list[tuple[float, np.ndarray]]:
        out: list[tuple[float, np.ndarray]] = []
        seq = 0
        timeout = max(self.stale_s, self.options.read_timeout_s)
        while len(out) < n:
            frame = self.wait_frame(seq, timeout)
            if frame is None:
                break
            seq = frame.seq
            out.append((frame.monotonic, frame.image))
        return out

    def extra_diagnostics(self) -> dict[str, Any]:
        fps = self.measured_fps()
        with self._cond:
            return {
                "frames": self._seq,
                "opens": self._opens,
                "failures": self._failures,
                "last_error": self._worker.error,
                "measured_fps": round(fps, 1),
            }


def _frames_from_feed(feed: Feed, n: int) -> list[tuple[float, np.ndarray]]:
    out: list[tuple[float, np.ndarray]] = []
    for _ in range(n):
        image = feed.read()
        if image is None:
            break
        out.append((time.monotonic(), image))
    return out


def _rate(frames: list[tuple[float, np.ndarray]]) -> float:
    span = frames[-1][0] - frames[0][0] if len(frames) > 1 else 0.0
    return (len(frames) - 1) / span if span > 0 else 0.0
