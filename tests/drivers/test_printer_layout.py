"""Pure layout: the job bytes for tickets and materials lists, wrapping, and what may be printed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.printer.capabilities import PROFILES, Capabilities
from drivers.printer.commands import parse
from drivers.printer.interpret import Raster, interpret
from drivers.printer.job import JobBuilder
from drivers.printer.layout import materials_job, ticket_job
from drivers.printer.model import MaterialsPrint, TicketPrint
from drivers.printer.textwidth import text_cols, wrap
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from tests.drivers.test_printer_support import (
    HALL,
    HALL_EN,
    PUBLIC_URL,
    check_ticket_job,
    split_text,
    ticket,
    ticket_json,
)

CAPS = [
    PROFILES["80mm"],
    PROFILES["58mm"],
    PROFILES["58mm"].with_overrides(name="58mm-gbk-raster", qr="raster", encoding="gbk", cutter=False),
]


@pytest.mark.parametrize("caps", CAPS, ids=lambda c: c.name)
def test_ticket_job_carries_what_a_ticket_must_and_nothing_personal(caps: Capabilities) -> None:
    body = ticket_json()
    job = ticket_job(TicketPrint.from_api(body, HALL, PUBLIC_URL, hall_name_en=HALL_EN), caps)
    paper = check_ticket_job(job, body, caps.width_dots, cutter=caps.cutter)
    texts = [line.text for line in paper.lines]
    assert "预计等候约 14 分钟" in texts[texts.index("前面还有 3 人 / 3 people ahead") + 1]  # 840 s
    assert "取号时间 Issued 2026-11-23 10:15" in texts  # the hall's local time, as issued


@pytest.mark.parametrize("caps", CAPS, ids=lambda c: c.name)
def test_a_reprint_says_so_and_an_original_does_not(caps: Capabilities) -> None:
    body = ticket_json()
    original = interpret(ticket_job(TicketPrint.from_api(body, HALL, PUBLIC_URL), caps), caps.width_dots)
    again = ticket_job(TicketPrint.from_api({**body, "reprint": True}, HALL, PUBLIC_URL), caps)
    paper = check_ticket_job(again, body, caps.width_dots, cutter=caps.cutter)
    texts = [line.text for line in paper.lines]
    assert "补打 REPRINT" in texts and texts.index("补打 REPRINT") < texts.index(body["number"])
    assert not any("补打" in line.text or "REPRINT" in line.text for line in original.lines)


def test_raster_qr_and_gbk_profile() -> None:
    caps = CAPS[2]
    job = ticket_job(ticket(), caps)
    paper = interpret(job, caps.width_dots)
    rasters = [b for b in paper.blocks if isinstance(b, Raster)]
    assert not paper.qrs and len(rasters) == 1 and b"\x1d(k" not in job
    assert rasters[0].width_bytes * 8 == caps.width_dots  # padded to the paper: centred on any printer
    segments, _ = split_text(job)
    assert HALL in segments and "城乡居民基本养老保险待遇申领" in "".join(segments)


def test_every_catalogue_matter_fits_58_and_80mm() -> None:
    catalogue = load_catalogue(DEFAULT_CATALOGUE_PATH)
    matters = list(catalogue.matters.values()) if isinstance(catalogue.matters, dict) else catalogue.matters
    assert len(matters) > 20
    for caps in CAPS:
        for m in matters:
            t = ticket(matter_name_zh=m.name_zh, matter_name_en=m.name_en, number="B1234", colour="blue")
            for job in (ticket_job(t, caps), materials_job(MaterialsPrint.from_matter(m, HALL), caps)):
                paper = interpret(job, caps.width_dots)
                bad = [
                    (ln.text, ln.width_dots)
                    for ln in paper.lines
                    if ln.wrapped or ln.width_dots > caps.width_dots
                ]
                assert not bad, f"{m.id} on {caps.name}: {bad}"
                for line in paper.lines:  # and in columns, at the line's character size
                    w = max(r.w for r in line.runs)
                    assert sum(sum(r.cells) for r in line.runs) <= caps.cols // w


def test_materials_list_numbers_items_in_both_languages() -> None:
    m = MaterialsPrint(
        hall_name=HALL,
        matter_name_zh="城乡居民基本养老保险待遇申领",
        matter_name_en="Residents' basic pension: benefit claim",
        materials_zh=("本人居民身份证原件", "户口簿", "本人社会保障卡（金融账户已激活）"),
        materials_en=("Original resident ID card", "Household register", "Own social security card"),
        note_zh="年满60周岁、累计缴费满15年的参保人可申领。",
        printed_at=datetime(2026, 11, 23, 10, 20, tzinfo=timezone(timedelta(hours=8))),
    )
    caps = PROFILES["58mm"]
    job = materials_job(m, caps)
    lines = [line.text for line in interpret(job, caps.width_dots).lines]
    assert "1. 本人居民身份证原件" in lines and "   Original resident ID card" in lines
    assert "3. 本人社会保障卡（金融账户已激" in lines and "   活）" in lines  # hanging indent, 禁则
    assert any(line.startswith("一次性告知") for line in lines)
    assert lines[-4:-2] == ["打印时间 Printed", "2026-11-23 10:20"]  # too long together for 58 mm
    assert job.endswith(b"\x1dVA\x00")


def test_wrap_by_display_width() -> None:
    assert wrap("城乡居民基本养老保险参保登记", 16, "gb18030") == ["城乡居民基本养老", "保险参保登记"]
    assert wrap("Residents' basic pension: enrolment", 16, "gb18030") == [
        "Residents' basic",
        "pension:",
        "enrolment",
    ]
    assert wrap("Supercalifragilistic", 8, "gb18030") == ["Supercal", "ifragili", "stic"]
    # 禁则: no line starts with closing punctuation or ends with an opening bracket
    assert wrap("本人社会保障卡（金融账户已激活），请携带。", 16, "gb18030") == [
        "本人社会保障卡",
        "（金融账户已激",
        "活），请携带。",
    ]
    assert text_cols("● 绿色通道 Green", "gb18030") == 2 + 1 + 8 + 1 + 5  # ● is two bytes in GB18030
    assert text_cols("€", "gbk") == 1  # GBK's one-byte euro is sent as "?"


def test_control_characters_in_data_cannot_inject_commands() -> None:
    job = ticket_job(
        ticket(matter_name_zh="居民\x1bi医保\x1dV\x00登记\n", matter_name_en="Cut\x1d\x56\x41here"),
        PROFILES["80mm"],
    )
    tokens, _ = parse(job)
    assert [t.name for t in tokens].count("cut") == 1
    assert "  居民i医保 V登记" in split_text(job)[0]  # the bytes are text now, not ESC i / GS V


def test_from_api_refuses_what_it_cannot_print_truthfully() -> None:
    with pytest.raises(ValueError, match="offset"):
        ticket(issued_at="2026-11-23T10:15:42")
    with pytest.raises(ValueError, match="colour"):
        ticket(colour="red")
    with pytest.raises(ValueError, match="lacks number"):
        ticket(number="")
    with pytest.raises(ValueError, match="public_url"):
        TicketPrint.from_api(ticket_json(), HALL, "")
    t = ticket(id="a b/c")
    assert t.status_url == PUBLIC_URL + "a%20b%2Fc"  # an odd id cannot break out of the URL path
    assert t.issued_at.utcoffset() == timedelta(hours=8)
    converted = TicketPrint.from_api(ticket_json(), HALL, PUBLIC_URL, tz=UTC)
    assert converted.issued_at.hour == 2
    assert not hasattr(t, "green_reason")


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_ANY = st.characters(blacklist_categories=("Cs",))
_NAMES = st.text(
    st.one_of(_CJK, _CJK, st.sampled_from(" （），。、：ABCxyz0123-'"), _ANY), min_size=1, max_size=80
)
_WORDY = st.lists(
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=60), min_size=1
).map(" ".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name_zh=_NAMES,
    name_en=st.one_of(_WORDY, _NAMES),
    number=st.from_regex(r"[GYB][0-9]{3,5}", fullmatch=True),
    colour=st.sampled_from(["green", "yellow", "blue"]),
    ahead=st.one_of(st.none(), st.integers(0, 99999)),
    wait=st.one_of(st.none(), st.integers(0, 10**6)),
    caps=st.sampled_from(CAPS),
)
def test_random_tickets_never_exceed_the_paper(
    name_zh: str,
    name_en: str,
    number: str,
    colour: str,
    ahead: int | None,
    wait: int | None,
    caps: Capabilities,
) -> None:
    t = TicketPrint(
        hall_name=name_zh,
        number=number,
        colour=colour,
        matter_name_zh=name_zh,
        matter_name_en=name_en,
        issued_at=datetime(2026, 11, 23, 10, 15, tzinfo=UTC),
        status_url=PUBLIC_URL + "x" * 32,
        waiting_ahead=ahead,
        estimated_wait_s=wait,
    )
    m = MaterialsPrint(
        hall_name=name_en, matter_name_zh=name_zh, matter_name_en=name_en, materials_zh=(name_zh, name_en)
    )
    for job in (ticket_job(t, caps), materials_job(m, caps)):
        paper = interpret(job, caps.width_dots)  # strict: any stray command byte would raise
        assert not [ln.text for ln in paper.lines if ln.wrapped or ln.width_dots > caps.width_dots]
        assert paper.ignored == []


def test_builder_refuses_impossible_sizes() -> None:
    with pytest.raises(ValueError):
        JobBuilder().size(9, 1)
    with pytest.raises(ValueError):
        JobBuilder("utf-8")
