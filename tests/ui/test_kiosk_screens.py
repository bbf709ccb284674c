"""The resident kiosk's screens, live and offscreen: every screen in both modes, both languages and both
panel shapes measured from the item tree (text and touch-target sizes, contrast of every text on its
background, nothing cut off or overlapping), and the view-model driven by the same slots the QML taps call.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QT_QUICK_BACKEND"] = "software"

from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtQuick import QQuickItem

from kiosk.flow.model import GREEN_REASONS
from kiosk.ui.app import LANDSCAPE, PORTRAIT
from kiosk.ui.audit import audit
from kiosk.ui.theme import ELDER, STANDARD, Mode, contrast, mode
from kiosk.ui.tour import LANGS, SCENES, Scene, Tour

CASES = [
    pytest.param(
        scene, elder, lang, shape, id=f"{scene.name}-{'elder' if elder else 'standard'}-{lang}-{shape}"
    )
    for shape in ("portrait", "landscape")
    for scene in SCENES
    if shape == "portrait" or scene.landscape
    for elder in scene.modes
    for lang in LANGS
]


@pytest.fixture(scope="module")
def tour() -> Iterator[Tour]:
    t = Tour()
    yield t
    t.kiosk.close()


@pytest.fixture
def fresh(tour: Tour) -> Tour:
    tour.kiosk.resize(PORTRAIT)
    tour.start(False, "zh_CN")
    tour.port.spoken.clear()
    return tour


def settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def find(tour: Tour, name: str) -> QQuickItem:
    stack = [tour.window.contentItem()]
    while stack:
        item = stack.pop()
        if item.objectName() == name:
            return item
        stack.extend(item.childItems())
    raise LookupError(name)


def visible_texts(tour: Tour) -> list[str]:
    settle()
    return [t.text for t in audit(tour.window).texts]


@pytest.mark.parametrize(("scene", "elder", "lang", "shape"), CASES)
def test_every_screen_keeps_its_modes_promises(
    tour: Tour, scene: Scene, elder: bool, lang: str, shape: str, tmp_path: Path
) -> None:
    tour.kiosk.resize(PORTRAIT if shape == "portrait" else LANDSCAPE)
    tour.start(elder, lang)
    scene.steps(tour)
    problems = tour.shoot(tmp_path / "shot.png")
    seen = audit(tour.window)
    m = mode(elder)
    assert seen.texts and seen.targets, "nothing measured: the screen did not render"
    assert min(t.px for t in seen.texts) >= m.min_text_px
    assert min(min(b.rect.width(), b.rect.height()) for b in seen.targets) >= m.min_target_px
    assert min(contrast(t.fg, t.bg) for t in seen.texts) >= m.min_contrast
    assert problems == []
    # Every screen has the sound controls and the countdown (剩余操作时间).
    names = {b.name for b in seen.targets}
    assert {"hearAgain", "volumeDown", "volumeUp", "mute"} <= names
    assert find(tour, "countdown").isVisible()


@pytest.mark.parametrize("m", [STANDARD, ELDER], ids=lambda m: m.name)
def test_every_theme_colour_pair_meets_the_modes_contrast(m: Mode) -> None:
    texts = (m.text, m.text_muted, m.accent)
    fills = (m.background, m.surface, m.button, m.button_down, m.warn_fill, m.error_fill, m.overlay)
    for fg in texts:
        for bg in fills:
            assert contrast(fg, bg) >= m.min_contrast, (m.name, fg, bg)
    assert contrast(m.on_primary, m.primary) >= m.min_contrast
    assert STANDARD.min_text_px == 24 and STANDARD.min_target_px == 60 and STANDARD.min_contrast == 4.5
    assert ELDER.min_text_px == 32 and ELDER.min_target_px == 80 and ELDER.min_contrast == 7.0


def test_a_ticket_shows_number_colour_with_symbol_windows_and_a_qr_code_for_its_page(
    fresh: Tour, tmp_path: Path
) -> None:
    fresh.ticket()
    assert fresh.vm.screen == "ticket"
    ticket = fresh.port.printed[-1]
    assert find(fresh, "ticketNumber").property("text") == ticket.number
    badge = [t for t in visible_texts(fresh) if "蓝色常规" in t]
    assert badge == ["■ 蓝色常规"], "the colour's symbol and name, not the colour alone"
    assert find(fresh, "ticketWindows").property("text") == "请到 1、2 号窗口办理"
    shot = tmp_path / "ticket.png"
    fresh.shoot(shot)
    url, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(shot)))
    assert url == f"http://hall.local:8750/t/{ticket.id}"


def test_a_declared_green_reason_is_sent_but_never_shown(fresh: Tour) -> None:
    fresh.to_green()
    reason_labels = {r: find(fresh, f"reason_{r}").property("text") for r in GREEN_REASONS}
    assert not any(find(fresh, f"reason_{r}").property("checked") for r in GREEN_REASONS)
    fresh.vm.declareGreen("pregnancy")
    assert find(fresh, "greenNote").isVisible()
    fresh.vm.confirm()
    shown = " ".join(visible_texts(fresh))
    assert not any(label in shown for label in reason_labels.values())
    assert fresh.port.printed[-1].colour == "green"


def test_the_idle_warning_gives_more_time_and_the_timeout_wipes_the_session(fresh: Tour) -> None:
    fresh.to_green()
    assert fresh.vm.cardRead
    fresh.clock.now += fresh.vm.idle.timeout_s - 15
    fresh.vm.tick()
    settle()
    assert find(fresh, "idleWarning").isVisible() and find(fresh, "moreTime").isVisible()
    fresh.vm.moreTime()
    settle()
    assert not find(fresh, "idleWarning").isVisible()
    assert fresh.vm.remaining == fresh.vm.idle.timeout_s
    fresh.clock.now += fresh.vm.idle.timeout_s
    fresh.vm.tick()
    assert fresh.vm.screen == "home" and not fresh.vm.cardRead and fresh.vm.flow.resident is None


def test_an_untouched_home_does_not_count_down_or_warn(fresh: Tour) -> None:
    fresh.clock.now += 500
    fresh.vm.tick()
    assert fresh.vm.screen == "home" and not fresh.vm.warning
    assert fresh.vm.remaining == fresh.vm.idle.timeout_s


def test_the_language_switch_retranslates_the_qml_and_the_catalogue(fresh: Tour) -> None:
    assert find(fresh, "takeTicket").property("text") == "取号"
    fresh.vm.setLanguage("en")
    settle()
    assert find(fresh, "takeTicket").property("text") == "Take a ticket"
    fresh.vm.startTicket()
    assert "Social insurance" in visible_texts(fresh)


def test_hear_again_repeats_the_prompt_and_mute_silences_it(fresh: Tour) -> None:
    fresh.vm.startTicket()
    assert fresh.port.spoken == []  # standard mode speaks on request
    fresh.vm.hearAgain()
    assert fresh.port.spoken == [("screen.categories", {}, "zh_CN")]
    fresh.vm.toggleMute()
    fresh.vm.hearAgain()
    assert len(fresh.port.spoken) == 1 and fresh.port.volume == (70, True)
    fresh.vm.changeVolume(1)  # turning it up brings the sound back
    assert fresh.port.volume == (80, False)
    fresh.vm.setElder(True)  # elder mode speaks every screen by itself
    assert fresh.port.spoken[-1][0] == "screen.categories"


def test_an_elderly_card_in_standard_mode_offers_elder_mode(fresh: Tour) -> None:
    offers = fresh.port.offers
    fresh.to_identify()
    fresh.card(72)
    settle()
    assert fresh.vm.screen == "confirm" and fresh.vm.green
    assert find(fresh, "elderOffer").isVisible()
    fresh.vm.setElder(True)
    settle()
    assert fresh.vm.elder and not find(fresh, "elderOffer").isVisible()
    assert fresh.port.offers == offers + 1


def test_an_unanswered_issue_shows_issuing_and_the_late_answer_the_ticket(fresh: Tour) -> None:
    fresh.issuing()
    assert fresh.vm.screen == "issuing" and not fresh.vm.canGoBack
    settle()
    assert not find(fresh, "homeButton").isVisible()
    fresh.port.release()
    assert fresh.vm.screen == "ticket"
