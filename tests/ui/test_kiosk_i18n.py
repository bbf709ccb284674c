"""The kiosk speaks zh_CN and en completely: every QML string is in both catalogs and translated, the .qm
files are what lrelease makes of them, no screen text bypasses qsTr, and what Python hands the screens
(catalogue names, colour names) comes in the chosen language."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.flow.model import IssuedTicket
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from kiosk.ui.catalogue_view import CatalogueView
from kiosk.ui.viewmodel import ticket_view
from tests.support import ROOT

QML = sorted((ROOT / "kiosk/ui/qml/Kiosk").glob("*.qml"))
LANGS = ("zh_CN", "en")
BIN = Path(sys.executable).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Shown as they are in every language: the language names (each in its own script) and the +/− signs.
NOT_TRANSLATED = {"中文", "English", "−", "+"}


def ts_path(lang: str) -> Path:
    return ROOT / "locales" / lang / "kiosk.ts"


def messages(ts: Path) -> dict[tuple[str, str], list[str]]:
    """(context, source) -> its translation(s): one text, or every plural form."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            assert tr.get("type") is None, f"{ts}: {msg.findtext('source')!r} is {tr.get('type')}"
            forms = [f.text or "" for f in tr.findall("numerusform")] or [tr.text or ""]
            out[(ctx.findtext("name") or "", msg.findtext("source") or "")] = forms
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated_with_its_placeholders(lang: str) -> None:
    found = messages(ts_path(lang))
    assert len(found) > 50
    for (_, source), forms in found.items():
        for text in forms:
            assert text.strip(), f"{lang}: untranslated {source!r}"
            # A lost %1 would show a number without its window, or neither.
            wanted = sorted(set(re.findall(r"%\d", source)))
            assert sorted(set(re.findall(r"%\d", text))) == wanted, (lang, source, text)
            if "%n" in source:
                assert "%n" in text, (lang, source, text)
        if lang == "zh_CN":
            assert all(CJK.search(t) for t in forms), f"not Chinese: {source!r} -> {forms}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_catalogs_cover_every_qml_string(lang: str, tmp_path: Path) -> None:
    # lupdate on a copy: a string added to the QML and not to the .ts comes back unfinished, a removed one
    # vanishes; either changes the messages.
    copy = tmp_path / "kiosk.ts"
    shutil.copy(ts_path(lang), copy)
    subprocess.run(
        [
            BIN / "pyside6-lupdate",
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            *map(str, QML),
            "-ts",
            str(copy),
        ],
        check=True,
        timeout=60,
    )
    assert messages(copy) == messages(ts_path(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_the_shipped_qm_is_built_from_the_ts(lang: str, tmp_path: Path) -> None:
    built = tmp_path / "kiosk.qm"
    subprocess.run(
        [BIN / "pyside6-lrelease", "-silent", str(ts_path(lang)), "-qm", str(built)], check=True, timeout=60
    )
    assert ts_path(lang).with_suffix(".qm").read_bytes() == built.read_bytes(), (
        f"run pyside6-lrelease {ts_path(lang)}"
    )


SHOWN = re.compile(r"^\s*(text|title|Accessible\.name|placeholderText)\s*:\s*(.*)$")
LITERAL = r"\"((?:[^\"\\]|\\.)*)\""


def bare_literals(line: str) -> list[str]:
    """Words on screen that do not pass through qsTr (comparisons with codes are not shown)."""
    m = SHOWN.match(line)
    if not m:
        return []
    rest = re.sub(r"qsTr\(\s*" + LITERAL, "", m.group(2))
    rest = re.sub(r"[!=]==\s*" + LITERAL, "", rest)
    return [
        lit
        for lit in re.findall(LITERAL, rest)
        if re.search(r"[A-Za-z\u4e00-\u9fff]", lit) and lit not in NOT_TRANSLATED
    ]


def test_the_bare_literal_check_catches_what_it_must() -> None:
    assert bare_literals('    text: "Take a ticket"') == ["Take a ticket"]
    assert bare_literals('    text: ok ? qsTr("Yes") : "取号"') == ["取号"]
    assert bare_literals('    text: r.code === "quota_used" ? qsTr("Taken") : qsTr("No")') == []
    assert bare_literals('    objectName: "takeTicket"') == []


def test_no_screen_text_bypasses_qstr() -> None:
    bad = [
        f"{qml.name}:{n}: {lit!r}"
        for qml in QML
        for n, line in enumerate(qml.read_text().splitlines(), 1)
        for lit in bare_literals(line)
    ]
    assert bad == []


def test_python_hands_the_screens_names_in_the_chosen_language() -> None:
    view = CatalogueView(load_catalogue(DEFAULT_CATALOGUE_PATH))
    for lang in LANGS:
        names = [c["name"] for c in view.categories(lang)]
        names += [m["name"] for c in view.categories(lang) for m in view.matters(c["id"], lang)]
        ticket = IssuedTicket("t1", "G001", "green", "pension_claim", 0, 0, (1, 2))
        names.append(ticket_view(ticket, lang, "/t/t1")["colourName"])
        assert len(names) > 60
        if lang == "zh_CN":
            assert all(CJK.search(n) for n in names)
        else:
            assert not any(CJK.search(n) for n in names)
