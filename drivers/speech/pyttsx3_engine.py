"""The pyttsx3 engine (espeak-ng through libespeak on Linux), with the workarounds from stack research §3.

* libespeak is initialised once per process and keeps one global callback, so the process gets exactly
  one pyttsx3 engine, owned by one thread; every driver instance sends it jobs.
* `runAndWait()` can return before the WAV exists: wait for the driver's finished-utterance notification
  (sent after the file is written), then until the file is complete. Several `save_to_file` before one
  `runAndWait` lose all but the last: one save per run.
* pyttsx3's callback thread and `runAndWait()` share one command queue without a lock, and now and then
  a phrase is cancelled or reported "completed" with an empty WAV (measured here: 0 to 15 of 40 phrases in
  a row, every one a bare 44-byte header). Such a phrase is retried, up to 3 attempts: 320 of 320 phrases
  then came out whole, the same length every time.
* Setting the voice before the rate sometimes leaves the previous rate in force: rate and volume first.
* An unknown voice name (e.g. "zh") silently leaves the English voice in place, and `getProperty("voice")`
  only changes after a synthesis: so the voice is set before every phrase and checked after it.
* The driver prints "Audio saved to ..." from its callback, into whatever the kiosk prints: silenced.
"""

from __future__ import annotations

import importlib.metadata
import logging
import queue
import sys
import threading
import time
import wave
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from drivers.base import DriverError
from drivers.speech import Speech

log = logging.getLogger(__name__)
T = TypeVar("T")
JOB_TIMEOUT_S = 40.0
SYNTH_ATTEMPTS = 3


def _quiet_print(*args: object, **_: object) -> None:
    log.debug("pyttsx3: %s", " ".join(map(str, args)))


class _EngineHost:
    """The process's one pyttsx3 engine and the thread that owns it."""

    _instance: ClassVar[_EngineHost | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], Future[Any]]] = queue.Queue()
        self._ready: Future[Any] = Future()
        threading.Thread(target=self._loop, name="pyttsx3-engine", daemon=True).start()

    @classmethod
    def get(cls) -> _EngineHost:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _loop(self) -> None:
        try:
            import pyttsx3

            engine = pyttsx3.init()
            driver_module = sys.modules.get("pyttsx3.drivers.espeak")
            if driver_module is not None:
                # Shadow the builtin only inside the driver module: a process-wide stdout redirect would
                # also swallow other threads' output (simulators' JSON lines, the kiosk's logs).
                driver_module.print = _quiet_print  # type: ignore[attr-defined]
        except Exception as exc:  # no libespeak, no driver for this platform, ...
            self._ready.set_exception(exc)
            return
        self._ready.set_result(engine)
        while True:
            job, future = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(job(engine))
                except BaseException as exc:
                    future.set_exception(exc)

    def init_error(self, timeout: float = JOB_TIMEOUT_S) -> str | None:
        try:
            self._ready.result(timeout)
        except FutureTimeout:
            return f"pyttsx3 did not start within {timeout:.0f} s"
        except Exception as exc:
            return f"pyttsx3 could not start: {type(exc).__name__}: {exc}"
        return None

    def call(self, job: Callable[[Any], T], timeout: float = JOB_TIMEOUT_S) -> T:
        problem = self.init_error(timeout)
        if problem:
            raise DriverError("speech.engine", problem, "语音引擎不可用")
        future: Future[T] = Future()
        self._jobs.put((job, future))
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise DriverError(
                "speech.synthesis", f"pyttsx3 job took over {timeout:.0f} s", "语音合成超时"
            ) from None


def _settle(timeout: float = 3.0) -> None:
    """Until libespeak has finished everything queued, so the next runAndWait() does not cancel it."""
    espeak = sys.modules.get("pyttsx3.drivers._espeak")
    is_playing = getattr(espeak, "IsPlaying", None)
    if is_playing is None:  # another pyttsx3 driver (sapi5, nsss): nothing to wait for
        return
    deadline = time.monotonic() + timeout
    while is_playing() and time.monotonic() < deadline:
        time.sleep(0.01)


def _voice_matches(wanted: str, identifier: str) -> bool:
    wanted, identifier = wanted.lower(), identifier.lower()
    return identifier == wanted or identifier.endswith("/" + wanted)


def _wav_ready(path: Path, timeout: float) -> bool:
    """Until the file exists, has stopped growing and holds audio frames; False if it never does."""
    deadline = time.monotonic() + timeout
    last, empty_polls = -1, 0
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        if size > 44 and size == last:
            try:
                with wave.open(str(path), "rb") as w:
                    if w.getnframes() > 0:
                        return True
            except (wave.Error, EOFError, OSError):
                pass
        # A bare 44-byte header that stays so is pyttsx3's "completed" empty phrase: give up early.
        empty_polls = empty_polls + 1 if 0 <= size <= 44 and size == last else 0
        if empty_polls >= 5:
            return False
        last = size
        time.sleep(0.03)
    return False


def _attempt(engine: Any, text: str, voice: str, rate: int, volume: float, path: Path) -> str | None:
    """One save_to_file + runAndWait; None when it left a WAV with audio at `path`, else what went wrong."""
    finished: list[bool] = []
    token = engine.connect("finished-utterance", lambda **kw: finished.append(bool(kw.get("completed"))))
    try:
        # Rate and volume before the voice: set after it, libespeak sometimes keeps the old rate
        # (measured: voice-first lost the rate in 2 of 40 fresh processes and in 23 of 40 after a first
        # phrase; rate-first in 0 of 40).
        engine.setProperty("rate", rate)
        engine.setProperty("volume", volume)
        engine.setProperty("voice", voice)
        path.unlink(missing_ok=True)
        engine.save_to_file(text, str(path))
        engine.runAndWait()
        # runAndWait() may return before the callback thread has written the file; the driver notifies
        # finished-utterance after writing it.
        deadline = time.monotonic() + 10
        while True not in finished and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        engine.disconnect(token)
    # pyttsx3's callback thread and runAndWait() race over one command queue: now and then a phrase is
    # cancelled (completed=False, no file) or "completed" as an empty WAV. Both are retried by the caller.
    if True not in finished:
        return f"not completed (notifications {finished})"
    if not _wav_ready(path, timeout=2):
        size = path.stat().st_size if path.exists() else None
        return f"completed without audio (file size {size})"
    return None


class Pyttsx3Speech(Speech):
    driver: ClassVar[str] = "pyttsx3"
    engine: ClassVar[str] = "pyttsx3"

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._voice_ids: set[str] | None = None

    def _synthesize(self, text: str, voice: str, path: Path) -> None:
        rate, volume = self.rate, self.volume

        def job(engine: Any) -> str:
            for _ in range(SYNTH_ATTEMPTS):
                _settle()
                problem = _attempt(engine, text, voice, rate, volume, path)
                if problem is None:
                    return str(engine.getProperty("voice") or "")
                log.info("pyttsx3 lost its synthesis of %r (%s); retrying", text[:30], problem)
            raise DriverError(
                "speech.synthesis", f"pyttsx3 produced no audio in {SYNTH_ATTEMPTS} attempts", "语音合成失败"
            )

        try:
            used = _EngineHost.get().call(job)
        except DriverError:
            raise
        except Exception as exc:  # ValueError for a voice libespeak refuses, RuntimeError from the driver
            raise DriverError(
                "speech.synthesis", f"pyttsx3: {type(exc).__name__}: {exc}", "语音合成失败"
            ) from None
        if not _voice_matches(voice, used):
            path.unlink(missing_ok=True)
            raise DriverError(
                "speech.voice",
                f"pyttsx3 spoke with {used or 'no voice'} instead of {voice}",
                f"语音 {voice} 未生效",
            )

    def _engine_problem(self) -> str | None:
        host = _EngineHost.get()
        problem = host.init_error()
        if problem:
            return problem
        try:
            voices = host.call(lambda engine: [(v.id, v.name) for v in engine.getProperty("voices")])
        except DriverError as exc:
            return exc.message
        self._voice_ids = {str(x).lower() for pair in voices for x in pair if x}
        return None

    def _has_voice(self, voice: str) -> bool:
        return self._voice_ids is not None and any(_voice_matches(voice, v) for v in self._voice_ids)

    def _engine_summary(self) -> str:
        try:
            return f"pyttsx3 {importlib.metadata.version('pyttsx3')}"
        except importlib.metadata.PackageNotFoundError:
            return "pyttsx3"

    def _engine_details(self) -> dict[str, Any]:
        return {"pyttsx3": self._engine_summary(), "known_voices": len(self._voice_ids or ())}
