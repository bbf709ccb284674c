"""Cameras: a capture thread per camera that keeps only the latest frame, in memory.

Face images are personal data that must never reach a disk and must be kept for the shortest time
(hall standards §4.5): a Frame lives in memory only, its pixels are read-only and left out of its repr
(so a log line can never carry them), and a camera keeps one frame, the newest, dropping it on stop().
"""

from __future__ import annotations

import abc
import time
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from drivers.base import Driver


@dataclass(frozen=True, slots=True)
class Frame:
    image: np.ndarray = field(repr=False)  # BGR, height x width x 3, read-only
    seq: int  # 1, 2, 3 … per camera; gaps mean frames were replaced before anyone read them
    at: float  # wall clock (time.time()) when captured
    monotonic: float  # time.monotonic() when captured, for ages and rates

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    def age(self) -> float:
        return time.monotonic() - self.monotonic


class Camera(Driver):
    """A camera whose capture thread runs between start() and stop()."""

    kind: ClassVar[str] = "camera"

    @abc.abstractmethod
    def start(self) -> None:
        """Start the capture thread (idempotent). Never raises for an absent device: status() says why."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop the thread, release the device and forget the last frame (idempotent)."""

    @abc.abstractmethod
    def latest(self) -> Frame | None:
        """The newest frame, or None before the first one (and after stop())."""

    @abc.abstractmethod
    def wait_frame(self, after_seq: int = 0, timeout: float = 1.0) -> Frame | None:
        """The newest frame once its seq is above `after_seq`, or None after `timeout` seconds.

        It is the newest, not the next: frames the caller was too slow for are gone, never queued.
        """

    def open(self) -> None:
        self.start()

    def close(self) -> None:
        self.stop()


__all__ = ["Camera", "Frame"]
