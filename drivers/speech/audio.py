"""WAV plumbing for the speech drivers: read, write, measure, the 叮咚 chime, and joining an announcement.

Everything is 16-bit mono at 22,050 Hz, espeak-ng's native format, so an announcement (chime, the phrase,
a pause, the phrase again) becomes one file played by one `aplay`: no gaps from starting players, and the
start of playback is the start of the announcement.
"""

from __future__ import annotations

import os
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 22_050
Samples = npt.NDArray[np.int16]


class WavError(ValueError):
    """A WAV file is missing, empty or not PCM we can read."""


def read_wav(path: str | Path) -> Samples:
    """Mono 16-bit samples at RATE (other rates are resampled, extra channels averaged)."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise WavError(f"{path}: {exc}") from None
    if width != 2:
        raise WavError(f"{path}: {8 * width}-bit samples, expected 16-bit")
    data = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    if rate != RATE and data.size:
        n = round(data.size * RATE / rate)
        data = np.interp(np.linspace(0, data.size - 1, n), np.arange(data.size), data)
    return np.clip(np.round(data), -32768, 32767).astype(np.int16)


def write_wav(path: str | Path, samples: Samples) -> Path:
    """Write `samples` to `path` whole or not at all.

    The announcement files are watched by whoever keeps them (a technician's player, a test): written in
    place, a reader could open one half-written. A sibling temporary file renamed over the target is never
    seen incomplete.
    """
    path = Path(path)
    part = path.with_name(f".{path.name}.part")
    try:
        with wave.open(str(part), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.astype("<i2").tobytes())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True, slots=True)
class Level:
    duration_s: float
    peak: float  # 0..1 of full scale
    rms: float  # 0..1 of full scale
    voiced_s: float  # time spent above -40 dBFS in 20 ms windows: the part that is not silence

    @property
    def silent(self) -> bool:
        return self.peak < 0.02 or self.voiced_s < 0.1


def measure(samples: Samples) -> Level:
    x = samples.astype(np.float64) / 32768.0
    if not x.size:
        return Level(0.0, 0.0, 0.0, 0.0)
    win = RATE // 50
    frames = x[: x.size - x.size % win].reshape(-1, win) if x.size >= win else x.reshape(1, -1)
    frame_rms = np.sqrt((frames**2).mean(axis=1))
    return Level(
        duration_s=x.size / RATE,
        peak=float(np.abs(x).max()),
        rms=float(np.sqrt((x**2).mean())),
        voiced_s=float((frame_rms > 0.01).sum() * frames.shape[1] / RATE),
    )


def silence(seconds: float) -> Samples:
    return np.zeros(round(seconds * RATE), dtype=np.int16)


@lru_cache(maxsize=4)
def _chime(volume_milli: int) -> bytes:
    # A two-note doorbell (E5 then C5, a major third down) with a bell-like decay and a few partials;
    # a 5 ms attack ramp keeps the onset from clicking on small hall speakers.
    t_ding, t_dong = 0.45, 0.8
    parts = []
    for freq, dur in ((659.25, t_ding), (523.25, t_dong)):
        t = np.arange(round(dur * RATE)) / RATE
        tone = sum(a * np.sin(2 * np.pi * freq * k * t) for k, a in ((1, 1.0), (2, 0.35), (3, 0.12)))
        env = np.exp(-t * 4.5) * np.minimum(1.0, t / 0.005)
        parts.append(tone * env)
    wave_ = np.concatenate(parts)
    wave_ *= 0.6 * (volume_milli / 1000) / np.abs(wave_).max()
    return np.round(wave_ * 32767).astype("<i2").tobytes()


def chime(volume: float = 1.0) -> Samples:
    """The 叮咚 before a call, generated rather than shipped as a binary asset."""
    return np.frombuffer(_chime(round(volume * 1000)), dtype="<i2").astype(np.int16)


def join(parts: list[Samples | float]) -> Samples:
    """Concatenate sample arrays; a float in the list is that many seconds of silence."""
    arrays = [silence(p) if isinstance(p, float) else p for p in parts]
    return np.concatenate(arrays) if arrays else silence(0.0)
