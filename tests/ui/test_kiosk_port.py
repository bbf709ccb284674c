"""The kiosk's real effects port and card adapter, piece by piece: cards become a masked Resident, prompts
reach the speech driver one at a time (mute and volume honoured), and an issue the back office does not
answer is reported once as unreachable, retried with the same key, and dropped when the resident leaves."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from drivers.idcard import NumberCheck, ResidentCard
from drivers.idcard.cards import Gender
from drivers.speech import SpeechEvent
from drivers.speech.espeak import EspeakSpeech
from kiosk.client import HallClient
from kiosk.flow.ticket import Issue
from kiosk.ui.app import application
from kiosk.ui.cardreader import resident_from_card
from kiosk.ui.effects import IssueOutcome
from kiosk.ui.port import HallEffects, issued_ticket, prompt_values
from kiosk.ui.run import has_display, windows_by_matter

APP = application()


def card(number_check: NumberCheck = NumberCheck.OK) -> ResidentCard:
    return ResidentCard(
        name="张三丰",
        gender=Gender.MALE,
        birth_date=date(1950, 6, 1),
        number="110101195006010011",
        number_check=number_check,
        valid_from=date(2015, 1, 1),
        valid_to=None,
        address="北京市东城区某街1号",
    )


def test_a_card_becomes_a_resident_with_nothing_more_than_the_flow_needs() -> None:
    r = resident_from_card(card())
    assert (r.birth_date, r.valid_to, r.number_ok, r.person_key) == (date(1950, 6, 1), None, True, None)
    assert r.display_name == "张*丰"
    assert "110101" not in repr(r) and "张" not in repr(r)
    assert not resident_from_card(card(NumberCheck.BAD_CHECK_DIGIT)).number_ok


def test_prompts_get_the_colour_by_name_and_tickets_their_windows() -> None:
    assert prompt_values({"number": "G001", "colour": "green"}, "zh_CN")["colour"] == "绿色通道"
    assert prompt_values({"colour": "blue"}, "en")["colour"] == "Regular"
    counters = [{"window": 3, "serves": ["a", "b"]}, {"window": 1, "serves": ["a"]}, {"window": 2}]
    windows = windows_by_matter(counters)
    assert windows == {"a": (1, 3), "b": (3,)}
    data = {"id": "t1", "number": "B001", "colour": "blue", "matter": "a", "waiting_ahead": 2}
    t = issued_ticket(data, windows)
    assert (t.number, t.windows, t.waiting_ahead, t.estimated_wait_s) == ("B001", (1, 3), 2, None)


def test_a_display_is_a_desktop_session_or_a_platform_that_needs_none() -> None:
    assert not has_display({})
    assert has_display({"DISPLAY": ":0"}) and has_display({"WAYLAND_DISPLAY": "wayland-0"})
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}) and has_display({"QT_QPA_PLATFORM": "eglfs"})
    assert not has_display({"QT_QPA_PLATFORM": "xcb"})


def nowhere() -> str:
    """A loopback port with nothing listening: the back office is away."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def pump(until: threading.Event | None = None, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until is not None and until.is_set()):
        QCoreApplication.processEvents()
        time.sleep(0.01)


def test_an_unanswered_issue_is_reported_once_then_retried_until_the_resident_leaves() -> None:
    client = HallClient(nowhere(), "token", timeout=0.5)
    port = HallEffects(
        client, device_id="k", hall_name=("厅", "Hall"), public_url="http://h/t/", retry_cap_s=0.1
    )
    answers: list[tuple[IssueOutcome, bool]] = []
    answered = threading.Event()

    def done(outcome: IssueOutcome) -> None:
        answers.append((outcome, threading.current_thread() is threading.main_thread()))
        answered.set()

    try:
        port.issue(Issue("m", None, None, "key-1"), done)
        pump(answered)
        assert len(answers) == 1 and answers[0][0].unreachable and answers[0][1], (
            "told once, on the GUI thread"
        )
        pump(seconds=1.0)
        sent = client.sent[("POST", "/tickets")]
        assert sent >= 3 and len(answers) == 1  # still retrying, and not telling the flow again
        port.abandon("key-1")
        pump(seconds=0.5)
        settled = client.sent[("POST", "/tickets")]
        pump(seconds=0.5)
        assert client.sent[("POST", "/tickets")] == settled, "retries go on after the resident left"
    finally:
        port.close()
        client.close()


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_prompts_cut_each_other_and_mute_and_volume_are_honoured(tmp_path: Path) -> None:
    speech = EspeakSpeech({"output": "wav-dir", "wav_dir": str(tmp_path), "pace": 1.0})
    client = HallClient(nowhere(), "token")
    port = HallEffects(
        client, device_id="k", hall_name=("厅", "Hall"), public_url="http://h/t/", speech=speech
    )
    started = threading.Event()
    finished: list[tuple[int, bool]] = []

    def heard(e: SpeechEvent) -> None:
        if e.kind == "started":
            started.set()
        elif e.kind == "finished":
            finished.append((e.utterance.id, e.utterance.cut))

    speech.add_listener(heard)
    try:
        port.speak("screen.green_reasons", {}, "zh_CN")
        assert started.wait(15)
        port.speak("screen.ticket", {"number": "G001", "colour": "green", "waiting": "2"}, "en")
        assert speech.wait_idle(30)
        assert finished == [(1, True), (2, False)]  # the first cut short by the second
        port.set_volume(30, False)
        assert speech.volume == pytest.approx(0.3)
        port.set_volume(30, True)
        port.speak("screen.home", {}, "zh_CN")
        assert speech.pending == 0 and len(list(tmp_path.glob("*.wav"))) == 2
    finally:
        port.close()
        speech.close()
        client.close()
