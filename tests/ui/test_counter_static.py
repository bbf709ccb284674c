"""Counter terminal without processes: which actions are offered when, colour contrast, and translations."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from queue_display.counter.model import CounterState, served_matters, waiting_for
from queue_display.palette import DISABLED_PAIRS, PAIRS
from queue_display.theme import contrast
from tests.support import ROOT

BIN = Path(sys.executable).parent


def ready(**kw: object) -> CounterState:
    s = CounterState("c1", screen="main", connected=True, counter={"id": "c1", "window": 3, "paused": False})
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def offered(s: CounterState) -> set[str]:
    return {k for k, v in s.enabled().items() if v}


def ticket(status: str, recalls: int | None = 0) -> dict[str, object]:
    return {
        "id": "t",
        "number": "G001",
        "colour": "green",
        "matter": "m",
        "status": status,
        "recalls": recalls,
    }


def test_actions_follow_the_ticket_life() -> None:
    assert offered(ready()) == {"call_next", "pause", "reinstate"}
    assert offered(ready(current=ticket("called"), max_recalls=2)) == {
        "recall",
        "no_show",
        "start",
        "pause",
        "reinstate",
    }
    # At max_recalls only no-show (or start, if the resident turns up) is left.
    assert "recall" not in offered(ready(current=ticket("called", 2), max_recalls=2))
    # Recall count or limit unknown (older back office): offer it; the back office has the last word.
    assert "recall" in offered(ready(current=ticket("called", None), max_recalls=2))
    assert "recall" in offered(ready(current=ticket("called", 5), max_recalls=None))
    assert offered(ready(current=ticket("serving"))) == {"finish", "transfer", "pause", "reinstate"}
    paused = ready(counter={"id": "c1", "window": 3, "paused": True})
    assert offered(paused) == {"resume", "reinstate"}


def test_nothing_is_offered_offline_busy_or_signed_out() -> None:
    assert offered(ready(connected=False)) == set()
    assert offered(ready(busy="call_next")) == set()
    assert offered(ready(screen="login")) == set()
    assert offered(ready(counter=None)) == set()


def test_waiting_counts_are_summed_over_the_served_matters() -> None:
    by_matter = {"a": {"green": 1, "blue": 2}, "b": {"yellow": 3, "blue": 1}, "c": {"blue": 9}}
    assert waiting_for(["a", "b"], by_matter) == {"green": 1, "yellow": 3, "blue": 3}
    assert waiting_for([], by_matter) == {"green": 0, "yellow": 0, "blue": 0}


def test_transfer_targets_are_matters_some_counter_serves() -> None:
    catalogue = {
        "categories": [
            {"matters": [{"id": "a", "name_zh": "甲", "name_en": "A", "counters": ["c1"]}]},
            {"matters": [{"id": "b", "name_zh": "乙", "name_en": "B", "counters": []}]},
            {"matters": [{"id": "c", "name_zh": "丙", "name_en": "C", "counters": ["c2"]}]},
        ]
    }
    s = ready(current=ticket("serving") | {"matter": "a"})
    s.names = {"a": ("甲", "A"), "b": ("乙", "B"), "c": ("丙", "C")}
    s.served = served_matters(catalogue)
    assert [m["id"] for m in s.view()["matters"]] == ["c"]  # not its own matter, not an unserved one


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_counter_colours_meet_standard_mode_contrast(fg: str, bg: str) -> None:
    assert contrast(fg, bg) >= 4.5


@pytest.mark.parametrize(("fg", "bg"), DISABLED_PAIRS)
def test_disabled_buttons_stay_legible(fg: str, bg: str) -> None:
    assert contrast(fg, bg) >= 4.5


# --- translations: shared with test_rating_static.py -----------------------------------------------------


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (ctx.findtext("name") or "", m.findtext("source") or ""): m
        for ctx in root.iter("context")
        for m in ctx.iter("message")
    }


def check_catalog(catalog: str, qml_dir: Path, tmp_path: Path) -> None:
    """Every QML string is in both .ts files, translated; each .qm is what lrelease makes of its .ts."""
    sources = sorted(str(p) for p in qml_dir.glob("*.qml"))
    for locale in ("zh_CN", "en"):
        ts = ROOT / "locales" / locale / f"{catalog}.ts"
        fresh = tmp_path / f"{locale}-{catalog}.ts"
        subprocess.run(
            [str(BIN / "pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources, "-ts", str(fresh)],
            check=True,
            capture_output=True,
        )
        committed = messages(ts)
        assert set(messages(fresh)) == set(committed), f"{ts} is out of date: run pyside6-lupdate"
        for key, m in committed.items():
            tr = m.find("translation")
            assert tr is not None and (tr.text or "").strip(), f"{locale}: untranslated {key}"
            assert tr.get("type") not in ("unfinished", "obsolete", "vanished"), f"{locale}: {key}"
            assert tr.text is not None and tr.text.count("%") == key[1].count("%"), f"{locale}: {key}"
        qm = tmp_path / f"{locale}-{catalog}.qm"
        shutil.copy(ts, tmp_path / "in.ts")
        subprocess.run(
            [str(BIN / "pyside6-lrelease"), str(tmp_path / "in.ts"), "-qm", str(qm)],
            check=True,
            capture_output=True,
        )
        assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), f"{ts.with_suffix('.qm')} is stale"


def test_counter_translations_are_complete_and_compiled(tmp_path: Path) -> None:
    check_catalog("counter", ROOT / "queue_display" / "counter" / "qml", tmp_path)
