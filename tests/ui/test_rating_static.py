"""The rating pad's flow without processes (好差评 rules), its contrast, and its translations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from queue_display.palette import PAD_PAIRS
from queue_display.rating.model import THANKS_S, RatingFlow
from queue_display.theme import contrast
from tests.support import ROOT
from tests.ui.test_counter_static import check_catalog

NOW = 1000.0
WALL = 1_800_000_000.0


def finished(counter: str = "c1", ticket_id: str = "t1", age_s: float = 0.0) -> dict[str, Any]:
    data = {"ticket": {"id": ticket_id, "number": "B001", "counter": counter, "status": "done"}}
    return {"seq": 1, "type": "ticket.finished", "ts": WALL - age_s, "data": data}


def asked(timeout_s: float = 30.0) -> RatingFlow:
    flow = RatingFlow("c1", timeout_s)
    assert flow.on_event(finished(), NOW, WALL)
    return flow


def test_asks_only_for_its_own_counter_and_only_fresh_finishes() -> None:
    flow = RatingFlow("c1", 30.0)
    assert not flow.on_event(finished("c2"), NOW, WALL) and flow.screen == "idle"
    # Replayed after an outage: that resident has left; asking the next one would mis-rate.
    assert not flow.on_event(finished(age_s=60), NOW, WALL) and flow.screen == "idle"
    assert flow.on_event(finished(), NOW, WALL)
    assert flow.view() == {
        "screen": "levels",
        "number": "B001",
        "level": 0,
        "tags": [],
    }  # nothing preselected


def test_upper_levels_are_recorded_at_once_without_reasons() -> None:
    for level in (5, 4, 3):
        flow = asked()
        sub = flow.choose(level, NOW + 1)
        assert sub is not None and (sub.ticket_id, sub.level, sub.tags) == ("t1", level, [])
        assert flow.screen == "thanks"


def test_lower_levels_ask_for_reasons_several_or_none() -> None:
    flow = asked()
    assert flow.choose(2, NOW + 1) is None and flow.screen == "reasons"
    flow.toggle("other", NOW + 2)
    flow.toggle("attitude", NOW + 2)
    flow.toggle("other", NOW + 3)  # tapped again: unchosen
    flow.toggle("bogus", NOW + 3)
    sub = flow.submit(NOW + 4)
    assert sub is not None and (sub.level, sub.tags) == (2, ["attitude"])
    flow = asked()
    flow.choose(1, NOW)
    flow.back(NOW)
    assert flow.screen == "levels" and flow.level is None
    flow.choose(1, NOW)
    sub = flow.submit(NOW)
    assert sub is not None and (sub.level, sub.tags) == (1, [])


def test_skip_and_timeout_record_nothing_and_go_quiet() -> None:
    flow = asked()
    flow.skip(NOW)
    assert flow.screen == "idle" and flow.ticket is None
    flow = asked(timeout_s=30)
    flow.touch(NOW + 20)
    assert not flow.tick(NOW + 49)
    assert flow.tick(NOW + 50) and flow.screen == "idle"
    flow = asked()
    flow.choose(5, NOW)
    assert not flow.tick(NOW + THANKS_S - 0.1)
    assert flow.tick(NOW + THANKS_S) and flow.screen == "idle"


def test_rated_elsewhere_closes_the_question_and_a_new_finish_replaces_it() -> None:
    flow = asked()
    rated = {"seq": 2, "type": "ticket.rated", "ts": WALL, "data": {"ticket": {"id": "t1", "counter": "c1"}}}
    assert flow.on_event(rated, NOW, WALL) and flow.screen == "idle"
    flow = asked()
    flow.choose(2, NOW)
    assert flow.on_event(finished(ticket_id="t2"), NOW, WALL)
    assert flow.screen == "levels" and flow.ticket_id == "t2" and flow.level is None


@pytest.mark.parametrize(("fg", "bg"), PAD_PAIRS)
def test_pad_colours_meet_elder_mode_contrast(fg: str, bg: str) -> None:
    assert contrast(fg, bg) >= 7.0


def test_rating_translations_are_complete_and_compiled(tmp_path: Path) -> None:
    check_catalog("rating", ROOT / "queue_display" / "rating" / "qml", tmp_path)
