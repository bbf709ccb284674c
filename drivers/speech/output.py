"""Where announcements go: ALSA through `aplay`, or WAV files in a directory (tests, headless halls)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.base import DriverError

NO_DEVICE = "no audio output device; calls are shown but not heard"
NO_DEVICE_ZH = "没有音频输出设备：叫号只显示，不播报"


@dataclass(frozen=True, slots=True)
class AudioProbe:
    available: bool
    reason: str  # why not, for status(); empty when available
    cards: tuple[str, ...] = ()


def probe_aplay(binary: str, device: str | None) -> AudioProbe:
    """Is there an ALSA output? `aplay -l` lists the hardware cards (and exits 0 when there are none)."""
    exe = shutil.which(binary)
    if exe is None:
        return AudioProbe(False, f"{NO_DEVICE} ({binary!r} not found; install alsa-utils)")
    try:
        listing = subprocess.run([exe, "-l"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return AudioProbe(False, f"{NO_DEVICE} ({binary} -l failed: {exc})")
    cards = tuple(line.strip() for line in listing.stdout.splitlines() if line.startswith("card "))
    if cards:
        return AudioProbe(True, "", cards)
    if device:
        # A configured software device (pulse, dmix, a bluetooth sink) has no hardware card line.
        try:
            names = subprocess.run([exe, "-L"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.TimeoutExpired):
            names = ""
        if any(line.strip() == device for line in names.splitlines()):
            return AudioProbe(True, "", (device,))
        return AudioProbe(False, f"{NO_DEVICE} (audio_device {device!r} not listed by aplay -L)")
    return AudioProbe(False, f"{NO_DEVICE} (aplay -l lists no sound card)")


def play_aplay(
    binary: str,
    device: str | None,
    wav: Path,
    duration_s: float,
    cancelled: Callable[[], bool] = lambda: False,
) -> None:
    """Play one file to the end, or until `cancelled()` (a newer kiosk prompt); blocking, so the next
    announcement cannot start over this one."""
    cmd = [binary, "-q", *(["-D", device] if device else []), str(wav)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise DriverError("speech.playback", f"aplay failed: {exc}", "播放失败") from None
    deadline = time.monotonic() + duration_s + 10
    while proc.poll() is None:
        if cancelled() or time.monotonic() > deadline:
            proc.terminate()
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if cancelled():
                return
            raise DriverError("speech.playback", "aplay failed: it did not finish in time", "播放失败")
        time.sleep(0.02)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        msg = (stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise DriverError("speech.playback", f"aplay failed: {msg}", "播放失败")
