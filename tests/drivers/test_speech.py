"""The speech drivers end to end: real espeak-ng / pyttsx3 synthesis, the queue, status and self-test.

The hall PC's sound card is replaced by WAV files (output = "wav-dir") or by a stand-in `aplay` script;
this machine has no sound card, which is itself one of the checked states.
"""

from __future__ import annotations

import re
import shutil
import stat
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from drivers import registry
from drivers.base import DriverError, Health, SettingsError
from drivers.speech import SpeechEvent, audio
from drivers.speech.espeak import EspeakSpeech
from drivers.speech.output import probe_aplay
from drivers.speech.phrases import ZH_LETTERS, spell_ticket

SAMPLES = Path("/tmp/speech-samples")

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def _driver(tmp_path: Path, **settings: object) -> EspeakSpeech:
    return EspeakSpeech({"output": "wav-dir", "wav_dir": str(tmp_path / "out"), **settings})


def _check_speech_wav(path: Path, lo: float = 1.5, hi: float = 10.0) -> audio.Level:
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (22050, 1, 2)
    level = audio.measure(audio.read_wav(path))
    assert lo <= level.duration_s <= hi, level
    assert level.peak > 0.3 and level.rms > 0.03 and level.voiced_s > 0.5 * level.duration_s, level
    return level


def _keep(path: Path, name: str) -> None:
    SAMPLES.mkdir(exist_ok=True)
    shutil.copyfile(path, SAMPLES / name)


@needs_espeak
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_call_is_synthesized_to_a_non_silent_wav_and_announced_with_chime_and_repeat(
    tmp_path: Path, lang: str
) -> None:
    with _driver(tmp_path, call_languages=[lang]) as speech:
        text = speech.render_call("G012", 3, lang)
        one = speech.synthesize_wav(text, lang, tmp_path / "one.wav")
        level = _check_speech_wav(one)
        _keep(one, f"call-{lang}.wav")

        u = speech.announce_call("G012", 3)
        assert u.wait(15) and u.error is None and u.wav is not None
        _keep(u.wav, f"announcement-{lang}.wav")
        full = _check_speech_wav(u.wav, lo=2 * level.duration_s, hi=25)
        # chime + gap, the phrase, the repeat gap, the phrase again: one file, nothing lost or doubled.
        expected = u.voice_offset_s + 2 * level.duration_s + speech.repeat_gap_s
        assert abs(full.duration_s - expected) < 0.05
        assert 1.0 < u.voice_offset_s < 2.0


@needs_espeak
def test_the_mandarin_call_is_read_as_toned_pinyin_not_english(tmp_path: Path) -> None:
    speech = _driver(tmp_path)
    ph = speech.phonemes(speech.render_call("G012", 3, "zh_CN"), "zh_CN")
    syllables = [s for s in ph.split("_|") if s.strip()]
    assert len(syllables) == 13  # 请 鸡 零 一 二 号 到 三 号 窗 口 办 理
    assert all(re.search(r"[1-5]{2,3}", s) for s in syllables), ph
    assert "(en)" not in ph
    # The discriminating power of that check: the plain `cmn` voice falls back to English rules.
    bad = _driver(tmp_path, voices={"zh_CN": "cmn"})
    assert "(en)" in bad.phonemes("请到三号窗口", "zh_CN")
    assert not {s.name: s.passed for s in bad.self_test().steps}["pronunciation zh_CN"]


# espeak-ng's Mandarin phonemes for the letter names people say: jī, wāi, bì. Said by the voice's own
# rules, the bare letters come out as zhì (ts.'i51), wuài and bì.
HALL_LETTERS = {"G": "tS;'i55", "Y": "w'ai55", "B": "p'i51"}


@needs_espeak
@pytest.mark.parametrize(("letter", "expected"), HALL_LETTERS.items())
def test_ticket_letters_are_called_the_way_people_in_a_hall_say_them(
    tmp_path: Path, letter: str, expected: str
) -> None:
    speech = _driver(tmp_path, call_languages=["zh_CN", "en"])
    ph = speech.phonemes(speech.render_call(f"{letter}012", 3, "zh_CN"), "zh_CN")
    assert ph.split("_|")[1].strip() == expected, ph  # the syllable after 请
    # English calls keep the English letter.
    assert speech.render_call(f"{letter}012", 3, "en").startswith(f"{letter} zero one two")


@needs_espeak
def test_the_letter_is_heard_as_its_pinyin_in_the_wav(tmp_path: Path) -> None:
    speech = _driver(tmp_path)
    spelled = spell_ticket("G012", "zh_CN")
    ours, pinyin, bare = (
        audio.read_wav(speech.synthesize_wav(text, "zh_CN", tmp_path / f"{i}.wav"))
        for i, text in enumerate([spelled, "ji1 ling2 yi1 er4", "G 零 一 二"])
    )
    assert audio.measure(ours).voiced_s > 0.5
    assert np.array_equal(ours, pinyin)  # the same samples: G is heard as jī
    assert ours.shape != bare.shape or not np.array_equal(ours, bare)  # the bare letter is not


@needs_espeak
def test_the_self_test_checks_every_letters_phonemes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    speech = _driver(tmp_path)
    steps = {s.name: s for s in speech.self_test().steps}
    assert steps["letters zh_CN"].passed, steps["letters zh_CN"].message
    assert "26 letters" in steps["letters zh_CN"].message and "G tS;'i55" in steps["letters zh_CN"].message
    phonemes = speech.letter_phonemes()
    assert {c: phonemes[c][0] for c in HALL_LETTERS} == HALL_LETTERS
    # Spelled with the bare letter, as before, the voice says zhì: both steps catch it.
    monkeypatch.setitem(ZH_LETTERS, "G", ("G", "ji1"))
    steps = {s.name: s for s in speech.self_test().steps}
    assert not steps["letters zh_CN"].passed and "G said ts.'i51" in steps["letters zh_CN"].message
    call = steps["pronunciation zh_CN"]
    assert not call.passed and "G is not said ji1" in call.message


@needs_espeak
def test_five_calls_from_several_threads_play_in_queue_order_without_overlap(tmp_path: Path) -> None:
    # pace 25: each ~10 s announcement "plays" for ~0.4 s, so an overlap would show in the timestamps.
    speech = _driver(tmp_path, pace=25.0)
    events: list[SpeechEvent] = []
    lock = threading.Lock()

    def record(ev: SpeechEvent) -> None:
        with lock:
            events.append(ev)

    speech.add_listener(record)
    start = threading.Barrier(5)
    handles = []

    def caller(i: int) -> None:
        start.wait()
        u = speech.announce_call(f"A00{i}", i)
        with lock:
            handles.append(u)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(1, 6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert speech.wait_idle(30)
    speech.close()

    assert [e.kind for e in events] == ["started", "finished"] * 5
    ids = [e.utterance.id for e in events[::2]]
    assert ids == sorted(u.id for u in handles)  # played in the order they were queued
    assert [e.utterance.id for e in events[1::2]] == ids
    for started, finished in zip(events[::2], events[1::2], strict=True):
        assert finished.at - started.at >= 0.9 * started.utterance.duration_s / 25
    for finished, next_started in zip(events[1::2], events[2::2], strict=False):
        assert finished.at <= next_started.at
    assert all(u.error is None and not u.heard and u.wav and u.wav.exists() for u in handles)
    assert len(set(u.wav for u in handles)) == 5


@needs_espeak
def test_missing_espeak_is_a_fault_with_a_readable_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    speech = _driver(tmp_path, espeak_binary="/nonexistent/espeak-ng")
    st = speech.status()
    assert st.health is Health.FAULT
    assert (
        st.reason
        == "espeak-ng not found (espeak_binary = '/nonexistent/espeak-ng'); install the espeak-ng package"
    )
    assert not speech.self_test().passed
    failed: list[SpeechEvent] = []
    speech.add_listener(failed.append)
    u = speech.announce_call("A001", 1)
    assert u.wait(5) and u.error is not None and u.error.code == "speech.engine"
    assert [e.kind for e in failed] == ["failed"]
    speech.close()

    monkeypatch.setenv("PATH", str(tmp_path))  # the default binary name, looked up on an empty PATH
    st = _driver(tmp_path).status()
    assert st.health is Health.FAULT and "espeak-ng not found" in st.reason


@needs_espeak
def test_missing_mandarin_voice_is_a_fault(tmp_path: Path) -> None:
    st = _driver(tmp_path, voices={"zh_CN": "cmn-nosuch"}).status()
    assert st.health is Health.FAULT
    assert st.reason == "no Mandarin voice cmn-nosuch in espeak-ng"


@needs_espeak
def test_no_audio_device_degrades_but_calls_still_complete(tmp_path: Path) -> None:
    speech = EspeakSpeech({"aplay_binary": str(tmp_path / "no-aplay")})
    st = speech.status()
    assert st.health is Health.DEGRADED
    assert st.reason.startswith("no audio output device; calls are shown but not heard")
    u = speech.announce_call("A001", 1)
    assert u.wait(10) and u.error is None and not u.heard
    speech.close()
    # And this machine's real state, whatever it is: no card means degraded, for the same reason.
    real = EspeakSpeech({})
    if not probe_aplay("aplay", None).available:
        assert real.status().health is Health.DEGRADED
        assert not {s.name: s.passed for s in real.self_test().steps}["audio output"]
    else:
        assert real.status().health is Health.OK


def _fake_aplay(tmp_path: Path, play_exit: int) -> Path:
    """An `aplay` that claims one card and logs what it was asked to play."""
    script = tmp_path / "aplay"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-l" ]; then echo "card 0: Fake [Fake], device 0: Out [Out]"; exit 0; fi\n'
        f'echo "$@" >> "{tmp_path}/played.log"\n'
        f"exit {play_exit}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@needs_espeak
def test_playback_goes_through_aplay_once_per_announcement(tmp_path: Path) -> None:
    speech = EspeakSpeech({"aplay_binary": str(_fake_aplay(tmp_path, 0)), "audio_device": "plughw:0,0"})
    assert speech.status().health is Health.OK
    u1, u2 = speech.announce_call("A001", 1), speech.say("测试", "zh")
    assert speech.wait_idle(15) and u1.heard and u2.heard
    log = (tmp_path / "played.log").read_text().splitlines()
    assert len(log) == 2 and all(line.startswith("-q -D plughw:0,0 ") for line in log)
    speech.close()


@needs_espeak
def test_failed_playback_is_reported_in_status(tmp_path: Path) -> None:
    speech = EspeakSpeech({"aplay_binary": str(_fake_aplay(tmp_path, 1))})
    u = speech.announce_call("A001", 1)
    assert u.wait(10) and not u.heard and u.error is not None and u.error.code == "speech.playback"
    st = speech.status()
    assert st.health is Health.DEGRADED and st.reason.startswith("last announcement not heard")
    speech.close()


@needs_espeak
def test_self_test_passes_with_wav_output(tmp_path: Path) -> None:
    result = _driver(tmp_path, call_languages=["zh_CN", "en"]).self_test()
    assert result.passed, result.describe()
    names = [s.name for s in result.steps]
    assert names[:3] == ["engine", "voice zh_CN", "voice en"]
    assert {"pronunciation zh_CN", "synthesize zh_CN", "synthesize en", "output"} <= set(names)


@needs_espeak
def test_a_broken_listener_does_not_silence_the_hall_and_closed_driver_refuses(tmp_path: Path) -> None:
    speech = _driver(tmp_path, chime=False, repeat=1)
    speech.add_listener(lambda ev: 1 / 0)
    assert speech.say_phrase("ticket_taken", number="A1", waiting=2).wait(10)
    assert speech.say("second", "en").wait(10)
    with pytest.raises(ValueError, match="letters and digits"):
        speech.announce_call("A-1; rm", 1)  # refused at once, not on the worker
    speech.close()
    with pytest.raises(DriverError) as err:
        speech.say("too late")
    assert err.value.code == "speech.closed"


def test_settings_are_checked_and_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"devices\.speech\.output"):
        EspeakSpeech({"output": "speaker"})
    with pytest.raises(SettingsError, match=r"devices\.speech\.wav_dir"):
        EspeakSpeech({"output": "wav-dir"})
    with pytest.raises(SettingsError, match=r"devices\.speech\.rate"):
        EspeakSpeech({"rate": 1000})
    with pytest.raises(SettingsError, match=r"devices\.speech\.repeat"):
        EspeakSpeech({"repeat": 5})
    with pytest.raises(SettingsError, match="call_languages"):
        EspeakSpeech({"call_languages": ["fr"]})
    with pytest.raises(SettingsError, match="no phrase file"):
        EspeakSpeech({"locales_dir": str(tmp_path)})
    driver = registry.create("speech", {"driver": "espeak-ng", "output": "wav-dir", "wav_dir": str(tmp_path)})
    assert isinstance(driver, EspeakSpeech)


def test_chime_is_two_falling_tones() -> None:
    x = audio.chime(1.0).astype(np.float64)
    level = audio.measure(audio.chime(1.0))
    assert 1.0 < level.duration_s < 1.5 and 0.5 < level.peak <= 0.61

    def dominant(a: float, b: float) -> float:
        seg = x[int(a * audio.RATE) : int(b * audio.RATE)]
        spectrum = np.abs(np.fft.rfft(seg * np.hanning(seg.size)))
        return float(np.fft.rfftfreq(seg.size, 1 / audio.RATE)[spectrum.argmax()])

    assert abs(dominant(0.0, 0.4) - 659.25) < 10  # 叮 (E5)
    assert abs(dominant(0.5, 1.2) - 523.25) < 10  # 咚 (C5)
    assert audio.measure(audio.chime(0.5)).peak == pytest.approx(0.3, abs=0.01)


def test_pyttsx3_engine_writes_the_call_with_the_right_voice(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from drivers.speech.pyttsx3_engine import Pyttsx3Speech, _EngineHost

    problem = _EngineHost.get().init_error()
    if problem:
        pytest.skip(f"pyttsx3 cannot start here: {problem}")
    speech = Pyttsx3Speech({"output": "wav-dir", "wav_dir": str(tmp_path)})
    assert speech.status().health is Health.OK, speech.status().reason
    for lang in ("zh_CN", "en"):
        path = speech.synthesize_wav(speech.render_call("G012", 3, lang), lang, tmp_path / f"{lang}.wav")
        _check_speech_wav(path)
        _keep(path, f"pyttsx3-call-{lang}.wav")
    assert "Audio saved" not in capfd.readouterr().out  # the driver's stray print is swallowed

    # "zh" is not an espeak voice: libespeak keeps English without an error; the driver notices.
    speech.voices["zh_CN"] = "zh"
    with pytest.raises(DriverError) as err:
        speech.synthesize_wav("请到三号窗口", "zh_CN", tmp_path / "zh-trap.wav")
    assert err.value.code == "speech.voice" and "instead of zh" in err.value.message
    assert not (tmp_path / "zh-trap.wav").exists()

    # Phrase after phrase (where pyttsx3 now and then hands back an empty file): every one whole.
    speech.voices["zh_CN"] = "cmn-latn-pinyin"
    lengths: dict[str, list[float]] = {"zh_CN": [], "en": []}
    for i in range(12):
        lang = ("zh_CN", "en")[i % 2]
        path = speech.synthesize_wav(speech.render_call("A001", 1, lang), lang, tmp_path / "again.wav")
        lengths[lang].append(_check_speech_wav(path).duration_s)
    assert all(max(v) - min(v) < 0.1 for v in lengths.values()), lengths

    u = speech.announce_call("G012", 3)
    assert u.wait(15) and u.error is None and u.wav is not None
    _check_speech_wav(u.wav, lo=4, hi=25)
    speech.close()


@needs_espeak
def test_a_new_kiosk_prompt_cuts_the_one_playing_and_those_queued(tmp_path: Path) -> None:
    # An aplay that would play for 30 s: only an interrupt ends it early.
    script = tmp_path / "aplay"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-l" ]; then echo "card 0: Fake [Fake], device 0: Out [Out]"; exit 0; fi\n'
        f'echo "$@" >> "{tmp_path}/played.log"\n'
        "exec sleep 30\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    speech = EspeakSpeech({"aplay_binary": str(script), "call_languages": ["zh_CN", "en"]})
    started = threading.Event()
    speech.add_listener(lambda e: started.set() if e.kind == "started" else None)
    log = tmp_path / "played.log"

    def plays(n: int) -> bool:
        deadline = time.monotonic() + 15  # "started" comes just before aplay is launched
        while time.monotonic() < deadline:
            if log.exists() and len(log.read_text().splitlines()) >= n:
                return True
            time.sleep(0.02)
        return False

    playing = speech.say_phrase("screen.home", "zh_CN")
    queued = speech.say_phrase("screen.categories", "zh_CN")
    assert started.wait(15) and plays(1)
    assert speech.interrupt() == 2
    assert playing.wait(3) and playing.cut and queued.wait(1) and queued.cut
    assert queued.started_at is None  # dropped before it was synthesized
    started.clear()
    fresh = speech.say_phrase("screen.matters", "en")
    assert started.wait(15) and not fresh.cut and plays(2)
    assert len(log.read_text().splitlines()) == 2
    speech.interrupt()
    speech.close()
