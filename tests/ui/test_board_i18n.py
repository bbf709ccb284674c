"""The board's translations are complete, match the QML, and the shipped .qm files are built from them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support import ROOT

QML = sorted((ROOT / "queue_display/board/qml").glob("*.qml"))
LANGS = ("zh_CN", "en")
BIN = Path(sys.executable).parent


def ts_path(lang: str) -> Path:
    return ROOT / "locales" / lang / "board.ts"


def messages(ts: Path) -> dict[str, tuple[str, str | None]]:
    """source -> (translation text, its type attribute)."""
    out = {}
    for msg in ET.parse(ts).getroot().iter("message"):
        tr = msg.find("translation")
        assert tr is not None
        out[msg.findtext("source") or ""] = (tr.text or "", tr.get("type"))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_string_is_untranslated(lang: str) -> None:
    found = messages(ts_path(lang))
    assert found, "no messages"
    bad = {s: t for s, (text, t) in found.items() if t is not None or not text.strip()}
    assert not bad, f"unfinished, obsolete or empty in {lang}: {bad}"
    for source, (text, _) in found.items():
        # A lost %1 would show the number without the window, or neither.
        assert sorted(re.findall(r"%\d", source)) == sorted(re.findall(r"%\d", text)), (source, text)


def test_chinese_is_really_chinese() -> None:
    zh = messages(ts_path("zh_CN"))
    latin_only = [s for s, (text, _) in zh.items() if not re.search(r"[\u4e00-\u9fff]", text)]
    assert latin_only == []


@pytest.mark.parametrize("lang", LANGS)
def test_ts_covers_every_string_in_the_qml(lang: str, tmp_path: Path) -> None:
    # lupdate on a copy: any string added to the QML and not to the .ts would come back "unfinished",
    # any string removed from the QML would come back "vanished".
    copy = tmp_path / "board.ts"
    shutil.copy(ts_path(lang), copy)
    subprocess.run(
        [BIN / "pyside6-lupdate", "-silent", *map(str, QML), "-ts", str(copy)], check=True, timeout=60
    )
    assert messages(copy) == messages(ts_path(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_qm_is_built_from_the_ts(lang: str, tmp_path: Path) -> None:
    built = tmp_path / "board.qm"
    subprocess.run(
        [BIN / "pyside6-lrelease", "-silent", str(ts_path(lang)), "-qm", str(built)], check=True, timeout=60
    )
    shipped = ts_path(lang).with_suffix(".qm")
    assert shipped.read_bytes() == built.read_bytes(), f"run pyside6-lrelease {ts_path(lang)}"
