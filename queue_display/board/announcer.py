"""Speaks the board's calls through the speech driver, and says when the voice is not working.

The driver owns the queue that plays one announcement at a time, in order; this only hands it calls and
watches the outcome. A faulty voice never stops the board: calls are still shown, and a small "voice
unavailable" indicator tells staff (and deaf-aware residents) to watch the screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from queue_display.board.record import Recorder
from queue_display.board.state import Announcement

log = logging.getLogger(__name__)

HealthCallback = Callable[[bool, str], None]
STATUS_EVERY_S = 30.0


class Announcer:
    def __init__(
        self,
        settings: Mapping[str, Any],
        languages: Sequence[str],
        repeat: int,
        recorder: Recorder,
        on_health: HealthCallback,
    ) -> None:
        self.languages = tuple(languages)
        self.recorder = recorder
        self.on_health = on_health
        self._speech: Any = None
        self._seq_of: dict[int, int] = {}  # utterance id -> event seq
        self._lock = threading.Lock()
        self._failed = ""  # why the last announcement failed; cleared by the next that plays
        self._stop = threading.Event()
        # Explicit [devices.speech] keys win; otherwise the display's own announce settings apply.
        self._settings = {"repeat": repeat, "call_languages": list(self.languages), **dict(settings)}

    def start(self) -> None:
        from drivers import registry
        from drivers.base import DriverError, SettingsError

        try:
            self._speech = registry.create("speech", self._settings)
        except (SettingsError, DriverError, ValueError) as exc:
            self._report(False, f"speech driver not usable: {exc}")
            return
        self._speech.add_listener(self._on_speech)
        # Probing the engine and the sound card runs subprocesses: keep it off the GUI thread.
        threading.Thread(target=self._watch_status, name="board-voice-status", daemon=True).start()

    def announce(self, ann: Announcement) -> bool:
        if self._speech is None:
            self.recorder.announcement_event(ann.seq, announce_error="no speech driver")
            return False
        try:
            with self._lock:
                u = self._speech.announce_call(ann.number, ann.window, self.languages, recall=ann.recall > 0)
                self._seq_of[u.id] = ann.seq
        except Exception as exc:  # a closed or broken driver must not take the board down
            log.warning("announcement of %s failed: %s", ann.number, exc)
            self.recorder.announcement_event(ann.seq, announce_error=str(exc))
            self._report(False, str(exc))
            return False
        self.recorder.announcement_queued(ann.seq)
        return True

    def close(self) -> None:
        self._stop.set()
        if self._speech is not None:
            self._speech.close()

    def _on_speech(self, ev: Any) -> None:  # on the speech worker thread
        u = ev.utterance
        with self._lock:
            seq = self._seq_of.get(u.id)
            if ev.kind != "started":
                self._seq_of.pop(u.id, None)
        if seq is None:
            return
        if ev.kind == "started":
            self.recorder.announcement_event(
                seq,
                announce_started_at=ev.at,
                voice_started_at=ev.at + u.voice_offset_s,
                wav=str(u.wav) if u.wav else None,
            )
        elif ev.kind == "finished":
            self.recorder.announcement_event(
                seq, announce_finished_at=ev.at, announce_error=u.error.message if u.error else None
            )
            self._failed = u.error.message if u.error else ""
            self._check()
        else:
            self._failed = u.error.message if u.error else "announcement failed"
            self.recorder.announcement_event(seq, announce_error=self._failed)
            self._report(False, self._failed)

    def _watch_status(self) -> None:
        while True:
            self._check()
            if self._stop.wait(STATUS_EVERY_S):
                return

    def _check(self) -> None:
        from drivers.base import Health

        try:
            status = self._speech.status()
        except Exception as exc:
            self._report(False, f"speech status failed: {exc}")
            return
        if self._failed:
            self._report(False, self._failed)
        elif status.health != Health.OK:
            # Degraded includes "no audio device": the call is synthesized but nobody hears it.
            self._report(False, status.reason)
        else:
            self._report(True, "")

    def _report(self, ok: bool, reason: str) -> None:
        if not ok:
            log.warning("voice unavailable: %s", reason)
        try:
            self.on_health(ok, reason)
        except Exception:
            log.exception("voice health callback failed")
