"""Where frames come from: a device (index or /dev/videoN), a stream URL, or a video or image file.

`open_feed` turns the configured source into a Feed the capture thread reads; when it cannot, it
raises SourceError with a reason a technician can act on. OpenCV itself only says "not opened", so
the reason is found by looking at the device node, the file or the network address.
"""

from __future__ import annotations

import math
import os
import socket
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np

from drivers.base import SettingsError
from drivers.camera.cv import cv2

_DEFAULT_PORTS = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322, "rtmp": 1935}


class SourceKind(StrEnum):
    DEVICE = "device"
    URL = "url"
    FILE = "file"


class SourceError(Exception):
    """The source cannot be opened now; str() is the reason."""


@dataclass(frozen=True, slots=True)
class Source:
    spec: str  # as configured, for messages
    kind: SourceKind
    index: int | None = None  # a device given by index
    path: str = ""  # a device node or a file

    @property
    def node(self) -> str:
        return self.path or f"/dev/video{self.index}"


def parse_source(spec: str) -> Source:
    s = spec.strip()
    if not s:
        raise SettingsError("devices.camera.source must name a device index, a URL or a file")
    if s.isdigit():
        return Source(s, SourceKind.DEVICE, index=int(s))
    if s.startswith("/dev/video"):
        return Source(s, SourceKind.DEVICE, path=s)
    if "://" in s:
        parts = urlsplit(s)
        if parts.scheme == "file":
            return Source(s, SourceKind.FILE, path=parts.path)
        if not parts.hostname:
            raise SettingsError(f"devices.camera.source {s!r} is a URL without a host")
        return Source(s, SourceKind.URL)
    return Source(s, SourceKind.FILE, path=s)


@dataclass(frozen=True, slots=True)
class FeedOptions:
    width: int = 0  # 0: the device's default
    height: int = 0
    fps: float = 0.0  # devices: requested rate; images: repeat rate; 0: default
    fourcc: str = ""  # devices: e.g. MJPG, which USB cameras need for full rate at high resolutions
    open_timeout_s: float = 5.0
    read_timeout_s: float = 2.0


class Feed(Protocol):
    fps: float  # declared rate (0: unknown)
    paced: bool  # True for files: the reader must wait 1/fps between frames, a camera waits by itself

    def read(self) -> np.ndarray | None:
        """The next BGR frame, or None when the source ended or failed."""

    def release(self) -> None: ...


class CvFeed:
    def __init__(self, cap: cv2.VideoCapture, paced: bool, fallback_fps: float) -> None:
        self.cap = cap
        self.paced = paced
        declared = cap.get(cv2.CAP_PROP_FPS)
        # FFmpeg reports 0, NaN or 1000 for some streams and files; fall back to the setting.
        ok = math.isfinite(declared) and 0 < declared <= 240
        self.fps = declared if ok else fallback_fps

    def read(self) -> np.ndarray | None:
        try:
            ok, image = self.cap.read()
        except cv2.error:  # some backends raise where others return False: both mean "no frame"
            return None
        return image if ok and image is not None and image.size else None

    def release(self) -> None:
        self.cap.release()


class ImageFeed:
    """A still picture repeated as a camera would: for a kiosk demo or a face test without a camera."""

    paced = True

    def __init__(self, image: np.ndarray, fps: float) -> None:
        image.flags.writeable = False
        self.image = image
        self.fps = fps

    def read(self) -> np.ndarray | None:
        return self.image

    def release(self) -> None:
        pass


def open_feed(source: Source, opts: FeedOptions) -> Feed:
    """Open the source or raise SourceError naming why not."""
    try:
        return _open(source, opts)
    except cv2.error as exc:
        raise SourceError(f"OpenCV error: {exc}") from exc


def _open(source: Source, opts: FeedOptions) -> Feed:
    if source.kind is SourceKind.FILE:
        return _open_file(source, opts)
    if source.kind is SourceKind.URL:
        ms = [int(opts.open_timeout_s * 1000), int(opts.read_timeout_s * 1000)]
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms[0], cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms[1]]
        cap = cv2.VideoCapture(source.spec, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            cap.release()
            raise SourceError(_explain_url(source.spec, opts.open_timeout_s))
        return CvFeed(cap, paced=False, fallback_fps=opts.fps or 25.0)
    return _open_device(source, opts)


def _open_device(source: Source, opts: FeedOptions) -> Feed:
    api = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
    cap = cv2.VideoCapture(source.index if source.index is not None else source.path, api)
    if not cap.isOpened():
        cap.release()
        raise SourceError(_explain_device(source.node))
    if opts.fourcc:
        cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*opts.fourcc))
    if opts.width and opts.height:
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, opts.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, opts.height)
    if opts.fps:
        cap.set(cv2.CAP_PROP_FPS, opts.fps)
    # The driver's buffer of four would hand out frames up to 4/fps old; one keeps "latest" current.
    cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
    return CvFeed(cap, paced=False, fallback_fps=opts.fps or 30.0)


def _open_file(source: Source, opts: FeedOptions) -> Feed:
    path = Path(source.path)
    if not path.is_file():
        raise SourceError("no such file" if not path.exists() else "not a regular file")
    if not os.access(path, os.R_OK):
        raise SourceError("permission denied")
    if cv2.haveImageReader(str(path)):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise SourceError("an image file OpenCV cannot decode")
        return ImageFeed(image, opts.fps or 10.0)
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise SourceError("not a video or image file OpenCV can decode")
    return CvFeed(cap, paced=True, fallback_fps=opts.fps or 25.0)


def _explain_device(node: str) -> str:
    if not os.path.exists(node):
        return f"{node} does not exist (camera unplugged or not detected)"
    if not os.access(node, os.R_OK | os.W_OK):
        return f"no permission to open {node} (is the kiosk user in the 'video' group?)"
    return f"{node} exists but could not be opened (in use by another program, or not a capture device)"


def _explain_url(url: str, timeout: float) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 80)
    except ValueError:
        return "the URL has an invalid port"
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=min(timeout, 1.0)):
            pass
    except socket.gaierror:
        return f"cannot resolve the host name {host!r}"
    except ConnectionRefusedError:
        return f"connection refused by {where}"
    except TimeoutError:
        return f"no answer from {where}"
    except OSError as exc:
        return f"cannot connect to {where}: {exc.strerror or exc}"
    return f"{where} accepts connections but sent no readable video (wrong path, format, or stalled stream)"
