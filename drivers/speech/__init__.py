"""Speech: hall calls and kiosk prompts, one utterance at a time, in Mandarin and English.

`Speech` holds everything the engines share — settings, the phrase templates, the queue and the single
worker thread that plays announcements strictly one after another, the chime, status and self-test.
An engine (`EspeakSpeech`, `Pyttsx3Speech`) only knows how to turn text into a WAV with a given voice.
"""

from __future__ import annotations

import abc
import contextlib
import itertools
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from drivers.base import CheckStep, DeviceStatus, Driver, DriverError, Health, SelfTest, SettingsError
from drivers.speech import audio
from drivers.speech.output import NO_DEVICE_ZH, AudioProbe, play_aplay, probe_aplay
from drivers.speech.phrases import PhraseBook, PhraseError, load_phrases, normalize_lang

log = logging.getLogger(__name__)

DEFAULT_VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en"}
LANG_NAMES = {"zh_CN": ("Mandarin", "普通话"), "en": ("English", "英语")}
OUTPUTS = ("aplay", "wav-dir")
CHIME_GAP_S = 0.3
LANG_GAP_S = 0.5
PROBE_TTL_S = 30.0
_CUT_POLL_S = 0.05  # how soon an interrupt stops the sound in progress


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    lang: str


@dataclass(eq=False)
class Utterance:
    """One queued announcement; the worker fills in the timings. Times are time.monotonic()."""

    id: int
    kind: str  # "call", "recall", "say", "prompt"
    segments: tuple[Segment, ...]  # one repetition, languages in order
    repeat: int
    chime: bool
    enqueued_at: float
    started_at: float | None = None
    finished_at: float | None = None
    voice_offset_s: float = 0.0  # from the start of playback to the first word (the chime comes first)
    duration_s: float = 0.0
    heard: bool = False  # went to an audio device, not only to a file
    wav: Path | None = None  # kept only with output = "wav-dir"
    cut: bool = False  # interrupted by a newer prompt: dropped from the queue, or stopped while playing
    error: DriverError | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


@dataclass(frozen=True, slots=True)
class SpeechEvent:
    """What listeners get: 'started' just before playback, 'finished' after it, 'failed' if never started."""

    kind: Literal["started", "finished", "failed"]
    utterance: Utterance
    at: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)


Listener = Callable[[SpeechEvent], None]


class Speech(Driver):
    kind: ClassVar[str] = "speech"
    engine: ClassVar[str]  # shown in status and diagnostics

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.output: str = self.setting("output", str, "aplay")
        if self.output not in OUTPUTS:
            raise SettingsError(
                f"devices.speech.output must be one of {', '.join(OUTPUTS)}, got {self.output!r}"
            )
        self.wav_dir: Path | None = None
        if self.output == "wav-dir":
            self.wav_dir = Path(self.setting("wav_dir", str))
        self.audio_device: str | None = self.setting("audio_device", str, None)
        self.aplay_binary: str = self.setting("aplay_binary", str, "aplay")
        self.pace: float = self._ranged("pace", float, 0.0, 0.0, 1000.0)
        self.rate: int = self._ranged("rate", int, 150, 80, 400)
        # 0.9 rather than espeak's full amplitude: at 1.0 a Mandarin call clips a few samples.
        self.volume: float = self._ranged("volume", float, 0.9, 0.1, 1.0)
        self.repeat: int = self._ranged("repeat", int, 2, 1, 3)
        self.repeat_gap_s: float = self._ranged("repeat_gap_s", float, 1.0, 0.0, 5.0)
        self.chime: bool = self.setting("chime", bool, True)
        self.one_as_yao: bool = self.setting("one_as_yao", bool, False)
        self.voices = dict(DEFAULT_VOICES)
        for lang, voice in self.setting("voices", dict, {}).items():
            if not isinstance(voice, str) or not voice:
                raise SettingsError(f"devices.speech.voices.{lang} must name a voice, got {voice!r}")
            self.voices[self._lang(lang, "voices")] = voice
        langs = self.setting("call_languages", list, ["zh_CN"])
        self.call_languages: tuple[str, ...] = tuple(self._lang(x, "call_languages") for x in langs)
        if not self.call_languages:
            raise SettingsError("devices.speech.call_languages must name at least one language")
        self.locales_dir: str | None = self.setting("locales_dir", str, None)
        # Load the templates now: a broken phrase file is a configuration fault, not a silent call later.
        self._books: dict[str, PhraseBook] = {}
        for lang in self.call_languages:
            self._book(lang)

        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: queue.Queue[Utterance | None] = queue.Queue()
        self._pending = 0
        self._ids = itertools.count(1)
        self._last_id = 0
        self._cut_upto = 0  # utterances with an id up to this one are cut (interrupt)
        self._worker: threading.Thread | None = None
        self._closed = False
        self._listeners: list[Listener] = []
        self._probe_lock = threading.Lock()  # status() and the worker both refresh the probe
        self._probe_at = -PROBE_TTL_S
        self._audio = AudioProbe(False, "not checked yet")
        self._engine_fault: str | None = None
        self._missing_voices: dict[str, str] = {}
        self._playback_error: DriverError | None = None
        self._counters = {"announced": 0, "failed": 0, "played": 0, "not_heard": 0}

    # -- settings ---------------------------------------------------------------------------------------

    def _ranged(self, key: str, kind: type, default: Any, lo: float, hi: float) -> Any:
        value = self.setting(key, kind, default)
        if not lo <= value <= hi:
            raise SettingsError(f"devices.speech.{key} must be between {lo} and {hi}, got {value!r}")
        return value

    @staticmethod
    def _lang(lang: object, key: str) -> str:
        try:
            return normalize_lang(str(lang))
        except ValueError as exc:
            raise SettingsError(f"devices.speech.{key}: {exc}") from None

    def _book(self, lang: str) -> PhraseBook:
        if lang not in self._books:
            try:
                self._books[lang] = load_phrases(lang, self.locales_dir)
            except PhraseError as exc:
                raise SettingsError(f"devices.speech: {exc}") from None
        return self._books[lang]

    def voice_for(self, lang: str) -> str:
        return self.voices[normalize_lang(lang)]

    # -- what engines implement -------------------------------------------------------------------------

    @abc.abstractmethod
    def _synthesize(self, text: str, voice: str, path: Path) -> None:
        """Write `text` spoken with `voice` to `path` (16-bit mono WAV); blocking; DriverError on failure."""

    @abc.abstractmethod
    def _engine_problem(self) -> str | None:
        """Why the engine cannot work at all (binary missing, cannot start), or None."""

    @abc.abstractmethod
    def _has_voice(self, voice: str) -> bool:
        """Whether the engine knows this voice; only called when _engine_problem() is None."""

    def _engine_checks(self) -> list[CheckStep]:
        """Engine-specific self-test steps."""
        return []

    def _engine_details(self) -> dict[str, Any]:
        return {}

    # -- public API -------------------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` on the worker thread at each start/finish; keep it quick. Returns a remover."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    def render_call(self, number: str, window: int | str, lang: str, *, recall: bool = False) -> str:
        book = self._book(normalize_lang(lang))
        return book.render(
            "recall" if recall else "call", number=number, window=window, one_as_yao=self.one_as_yao
        )

    def announce_call(
        self, number: str, window: int | str, langs: Sequence[str] | None = None, *, recall: bool = False
    ) -> Utterance:
        """Queue a call: chime, then the script in each language, `repeat` times. Bad numbers raise now."""
        langs = tuple(normalize_lang(x) for x in (langs or self.call_languages))
        segments = tuple(
            Segment(self.render_call(number, window, lang, recall=recall), lang) for lang in langs
        )
        return self._enqueue("recall" if recall else "call", segments, self.repeat, self.chime)

    def say(self, text: str, lang: str = "zh_CN") -> Utterance:
        """Queue free text, once, without the chime."""
        if not text.strip():
            raise ValueError("nothing to say")
        return self._enqueue("say", (Segment(text, normalize_lang(lang)),), 1, False)

    def say_phrase(self, key: str, lang: str | None = None, **values: Any) -> Utterance:
        """Queue a kiosk prompt from the phrase file (e.g. 'ticket_taken', number=..., waiting=...)."""
        lang = normalize_lang(lang or self.call_languages[0])
        text = self._book(lang).render(key, one_as_yao=self.one_as_yao, **values)
        return self._enqueue("prompt", (Segment(text, lang),), 1, False)

    def synthesize_wav(self, text: str, lang: str, path: str | os.PathLike[str]) -> Path:
        """Speak `text` into a WAV file now, bypassing the queue (tests, pre-synthesis)."""
        path = Path(path)
        self._synthesize(text, self.voice_for(lang), path)
        try:
            audio.read_wav(path)
        except audio.WavError as exc:
            raise DriverError(
                "speech.synthesis", f"{self.engine} wrote no usable WAV: {exc}", "语音合成失败"
            ) from None
        return path

    def interrupt(self) -> int:
        """Cut everything queued or playing now, so the next prompt starts at once instead of after it.

        A kiosk screen's prompt is stale the moment the resident moves on; GB/T 37668 also wants sound
        that plays by itself to be stoppable. Calls queued later are not affected. Returns how many
        utterances were cut.
        """
        with self._lock:
            self._cut_upto = self._last_id
            dropped: list[Utterance] = []
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:  # close() is waiting for the worker: keep its sentinel
                    self._queue.put(None)
                    break
                dropped.append(item)
            playing = self._pending - len(dropped)
        for item in dropped:
            item.cut = True
            self._finish(item)
        return len(dropped) + max(0, playing)

    def _is_cut(self, item: Utterance) -> bool:
        return item.id <= self._cut_upto

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been played (or failed); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def close(self) -> None:
        """Stop the worker after the announcement in progress; announcements still queued are dropped."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            worker = self._worker
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item.error = DriverError("speech.closed", "speech driver closed", "语音已关闭")
                self._finish(item)
        self._queue.put(None)
        if worker is not None:
            worker.join(timeout=30)

    # -- the worker -------------------------------------------------------------------------------------

    def _enqueue(self, kind: str, segments: tuple[Segment, ...], repeat: int, chime: bool) -> Utterance:
        with self._lock:
            if self._closed:
                raise DriverError("speech.closed", "speech driver closed", "语音已关闭")
            # Ids are handed out under the same lock as the put, so id order is queue order.
            item = Utterance(next(self._ids), kind, segments, repeat, chime, time.monotonic())
            self._last_id = item.id
            self._pending += 1
            self._queue.put(item)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name=f"speech-{self.engine}", daemon=True)
                self._worker.start()
        return item

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                self._perform(item)
            except Exception as exc:
                item.error = (
                    exc
                    if isinstance(exc, DriverError)
                    else DriverError("speech.synthesis", f"{type(exc).__name__}: {exc}", "语音合成失败")
                )
                self._counters["failed"] += 1
                log.warning("speech: utterance %d failed: %s", item.id, item.error)
                self._emit("failed", item)
            finally:
                self._finish(item)

    def _finish(self, item: Utterance) -> None:
        item.done.set()
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def _perform(self, item: Utterance) -> None:
        if self._is_cut(item):
            item.cut = True
            return
        with tempfile.TemporaryDirectory(prefix="speech-") as tmp:
            clips: dict[Segment, audio.Samples] = {}
            for seg in item.segments:
                if seg not in clips:  # the repeat reuses the first synthesis
                    path = Path(tmp) / f"seg{len(clips)}.wav"
                    self._synthesize(seg.text, self.voice_for(seg.lang), path)
                    clips[seg] = audio.read_wav(path)
            parts: list[audio.Samples | float] = []
            if item.chime:
                bell = audio.chime(self.volume)
                parts += [bell, CHIME_GAP_S]
                item.voice_offset_s = len(bell) / audio.RATE + CHIME_GAP_S
            for r in range(item.repeat):
                if r:
                    parts.append(self.repeat_gap_s)
                for i, seg in enumerate(item.segments):
                    if i:
                        parts.append(LANG_GAP_S)
                    parts.append(clips[seg])
            program = audio.join(parts)
            item.duration_s = len(program) / audio.RATE
            if self.wav_dir is not None:
                self.wav_dir.mkdir(parents=True, exist_ok=True)
                stamp = time.strftime("%Y%m%d-%H%M%S")
                item.wav = audio.write_wav(self.wav_dir / f"{stamp}-{item.id:04d}-{item.kind}.wav", program)
                wav = item.wav
            else:
                wav = audio.write_wav(Path(tmp) / "announcement.wav", program)
            play = self.output == "aplay" and self._probe().available
            if self._is_cut(item):  # cut while it was being synthesized
                item.cut = True
                return
            self._counters["announced"] += 1
            item.started_at = time.monotonic()
            self._emit("started", item)
            try:
                if play:
                    play_aplay(
                        self.aplay_binary, self.audio_device, wav, item.duration_s, lambda: self._is_cut(item)
                    )
                    item.heard = True
                    self._playback_error = None
                    self._counters["played"] += 1
                else:
                    self._counters["not_heard"] += 1
                    if self.pace > 0:
                        end = time.monotonic() + item.duration_s / self.pace
                        while not self._is_cut(item) and (left := end - time.monotonic()) > 0:
                            time.sleep(min(left, _CUT_POLL_S))
            except DriverError as exc:
                item.error = exc
                self._playback_error = exc
                self._probe_at = -PROBE_TTL_S  # look at the audio device again on the next status()
            item.cut = self._is_cut(item)
            item.finished_at = time.monotonic()
            self._emit("finished", item)

    def _emit(self, kind: Literal["started", "finished", "failed"], item: Utterance) -> None:
        event = SpeechEvent(kind, item)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken listener (say, the call board) must not silence the hall
                log.exception("speech listener failed on %s of utterance %d", kind, item.id)

    # -- status and self-test ---------------------------------------------------------------------------

    def _probe(self, refresh: bool = False) -> AudioProbe:
        """Refresh the cached engine/voice/audio checks at most every PROBE_TTL_S; returns the audio part."""
        with self._probe_lock:
            now = time.monotonic()
            if refresh or now - self._probe_at >= PROBE_TTL_S:
                fault = self._engine_problem()
                missing = {}
                if fault is None:
                    missing = {lang: v for lang, v in self.voices.items() if not self._has_voice(v)}
                self._engine_fault, self._missing_voices = fault, missing
                if self.output == "aplay":
                    self._audio = probe_aplay(self.aplay_binary, self.audio_device)
                self._probe_at = now
            return self._audio

    def status(self) -> DeviceStatus:
        probe = self._probe()
        details = {
            "engine": self.engine,
            "voices": dict(self.voices),
            "output": self.output,
            "queued": self.pending,
            **({"cards": list(probe.cards)} if probe.cards else {}),
        }
        if self._engine_fault:
            return DeviceStatus(Health.FAULT, self._engine_fault, "语音引擎不可用", details)
        for lang in self.call_languages:
            if lang in self._missing_voices:
                name, name_zh = LANG_NAMES[lang]
                voice = self._missing_voices[lang]
                return DeviceStatus(
                    Health.FAULT,
                    f"no {name} voice {voice} in {self.engine}",
                    f"缺少{name_zh}语音 {voice}",
                    details,
                )
        if self.wav_dir is not None:
            problem = _unwritable(self.wav_dir)
            if problem:
                return DeviceStatus(Health.FAULT, problem, "语音输出目录不可写", details)
            return DeviceStatus(
                Health.OK, f"{self.engine}: writing announcements to {self.wav_dir}", "", details
            )
        if not probe.available:
            return DeviceStatus(Health.DEGRADED, probe.reason, NO_DEVICE_ZH, details)
        if self._playback_error is not None:
            return DeviceStatus(
                Health.DEGRADED,
                f"last announcement not heard: {self._playback_error.message}",
                "上次播报失败",
                details,
            )
        if self._missing_voices:
            lang, voice = next(iter(self._missing_voices.items()))
            name, name_zh = LANG_NAMES[lang]
            return DeviceStatus(
                Health.DEGRADED,
                f"no {name} voice {voice} in {self.engine}",
                f"缺少{name_zh}语音 {voice}",
                details,
            )
        return DeviceStatus(Health.OK, f"{self.engine} speaking on {probe.cards[0]}", "", details)

    def self_test(self) -> SelfTest:
        probe = self._probe(refresh=True)
        steps = [
            CheckStep("engine", self._engine_fault is None, self._engine_fault or self._engine_summary())
        ]
        if self._engine_fault is None:
            for lang, voice in self.voices.items():
                ok = lang not in self._missing_voices
                steps.append(CheckStep(f"voice {lang}", ok, f"{voice} {'present' if ok else 'missing'}"))
            steps += self._engine_checks()
            for lang in self.call_languages:
                steps.append(self._synthesis_step(lang))
        if self.wav_dir is not None:
            problem = _unwritable(self.wav_dir)
            steps.append(CheckStep("output", problem is None, problem or f"writing WAVs to {self.wav_dir}"))
        else:
            steps.append(CheckStep("audio output", probe.available, probe.reason or ", ".join(probe.cards)))
        return SelfTest(tuple(steps))

    def _engine_summary(self) -> str:
        return self.engine

    def _synthesis_step(self, lang: str) -> CheckStep:
        name = f"synthesize {lang}"
        if lang in self._missing_voices:
            return CheckStep(name, False, f"no voice {self.voices[lang]}")
        with tempfile.TemporaryDirectory(prefix="speech-test-") as tmp:
            try:
                path = self.synthesize_wav(self.render_call("A001", 1, lang), lang, Path(tmp) / "t.wav")
                level = audio.measure(audio.read_wav(path))
            except (DriverError, audio.WavError) as exc:
                return CheckStep(name, False, str(exc))
        ok = not level.silent and 0.5 <= level.duration_s <= 15
        return CheckStep(name, ok, f"{level.duration_s:.2f} s, peak {level.peak:.2f}, rms {level.rms:.3f}")

    def extra_diagnostics(self) -> dict[str, Any]:
        return {
            "counters": dict(self._counters),
            "call_languages": list(self.call_languages),
            "rate": self.rate,
            "volume": self.volume,
            "repeat": self.repeat,
            **self._engine_details(),
        }


def _unwritable(directory: Path) -> str | None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create wav_dir {directory}: {exc.strerror}"
    if not os.access(directory, os.W_OK):
        return f"wav_dir {directory} is not writable"
    return None


__all__ = ["Segment", "Speech", "SpeechEvent", "Utterance"]
