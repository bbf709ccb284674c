"""PNG previews drawn from the bytes the simulator stored; the QR codes in them must scan.

The pictures are also written to /tmp/printer-preview/ for people to look at.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from drivers.printer import MaterialsPrint, TicketPrint
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.interpret import TextLine
from drivers.printer.preview import PreviewError, find_cjk_font, render
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from tests.drivers.simproc import ROOT, SimProc
from tests.drivers.test_printer_support import HALL, HALL_EN, PUBLIC_URL, ticket_json

SHOW = Path("/tmp/printer-preview")
PAPER = {"80mm": {"paper": "80mm"}, "58mm": {"paper": "58mm", "qr": "raster", "encoding": "gbk"}}


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProc]:
    jobs = tmp_path_factory.mktemp("preview-jobs")
    with SimProc("drivers.printer.simulator", "--tcp", "127.0.0.1:0", "--jobs", str(jobs), "--png") as proc:
        yield proc


def printed(sim: SimProc, paper: str, what: TicketPrint | MaterialsPrint) -> bytes:
    """Print through the simulator process and return the job it stored."""
    host, port = sim.device.removeprefix("tcp://").rsplit(":", 1)
    settings: dict[str, Any] = {
        "transport": "network",
        "host": host,
        "tcp_port": int(port),
        "poll_interval_s": 0,
    }
    with EscposPrinter({**settings, **PAPER[paper]}) as printer:
        if isinstance(what, TicketPrint):
            printer.print_ticket(what)
        else:
            printer.print_materials(what)
    n = sim.command("stats")["jobs"]
    return (Path(sim.info["jobs"]) / f"job-{n:04d}.bin").read_bytes()


def save(image: Image.Image, name: str, tmp_path: Path) -> None:
    image.save(tmp_path / f"{name}.png")
    SHOW.mkdir(exist_ok=True)
    image.save(SHOW / f"{name}.png")


def scan(image: Image.Image) -> str:
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(np.array(image.convert("L")))
    return str(text)


def ink_height(image: Image.Image, top: int, bottom: int) -> int:
    """Rows between the first and last dark pixel of a band."""
    rows = np.nonzero((np.array(image)[top:bottom] < 128).any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0


@pytest.mark.parametrize(
    ("paper", "over"),
    [
        ("80mm", {}),
        (
            "58mm",
            {
                "number": "Y1024",
                "colour": "yellow",
                "matter_name_zh": "企业开办（设立登记、印章刻制、发票申领一窗通办）",
                "matter_name_en": "Start a business: registration, seal and invoices in one window",
                "waiting_ahead": 12,
                "estimated_wait_s": 2700,
            },
        ),
    ],
)
def test_ticket_preview(sim: SimProc, tmp_path: Path, paper: str, over: dict[str, Any]) -> None:
    body = ticket_json(**over)
    job = printed(sim, paper, TicketPrint.from_api(body, HALL, PUBLIC_URL, hall_name_en=HALL_EN))
    preview = render(job, 576 if paper == "80mm" else 384)
    save(preview.image, f"ticket-{paper}", tmp_path)
    assert preview.image.width == (576 if paper == "80mm" else 384)
    assert preview.missing_glyphs == set(), "Chinese must render, not as empty boxes"
    assert scan(preview.image) == PUBLIC_URL + body["id"]
    top, bottom = next(
        (t, bt) for b, t, bt in preview.boxes if isinstance(b, TextLine) and b.text == body["number"]
    )
    assert ink_height(preview.image, top, bottom) >= 4 * 24, "the number must be big"
    hall_top, hall_bottom = next(
        (t, bt) for b, t, bt in preview.boxes if isinstance(b, TextLine) and b.text == HALL
    )
    assert ink_height(preview.image, hall_top, hall_bottom) >= 30  # drawn at double height


@pytest.mark.parametrize("paper", ["80mm", "58mm"])
def test_materials_preview(sim: SimProc, tmp_path: Path, paper: str) -> None:
    matter = next(m for m in load_catalogue(DEFAULT_CATALOGUE_PATH).matters if m.id == "pension_claim")
    job = printed(sim, paper, MaterialsPrint.from_matter(matter, HALL, hall_name_en=HALL_EN))
    preview = render(job, 576 if paper == "80mm" else 384)
    save(preview.image, f"materials-{paper}", tmp_path)
    assert preview.missing_glyphs == set()
    lines = [b.text for b, _, _ in preview.boxes if isinstance(b, TextLine)]
    assert any(line.startswith("1. 本人居民身份证原件") for line in lines)


def test_simulator_draws_each_job_too(sim: SimProc) -> None:
    printed(sim, "80mm", TicketPrint.from_api(ticket_json(), HALL, PUBLIC_URL))
    n = sim.command("stats")["jobs"]
    png = Path(sim.info["jobs"]) / f"job-{n:04d}.png"
    with Image.open(png) as image:
        assert image.width == 576 and scan(image) == PUBLIC_URL + ticket_json()["id"]


def test_preview_command_line(sim: SimProc, tmp_path: Path) -> None:
    job = tmp_path / "job.bin"
    job.write_bytes(printed(sim, "58mm", TicketPrint.from_api(ticket_json(), HALL, PUBLIC_URL)))
    cmd = [sys.executable, "-m", "drivers.printer.preview"]
    done = subprocess.run(
        [*cmd, str(job), str(tmp_path / "t.png"), "--paper", "58mm"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with Image.open(tmp_path / "t.png") as image:
        assert image.width == 384
    job.write_bytes(b"\x1b@\x1bZ\x00hello")  # ESC Z (PDF417) is not something we send or draw
    done = subprocess.run(
        [*cmd, str(job), str(tmp_path / "bad.png")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "not ESC/POS this preview understands" in done.stderr


def test_missing_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    find_cjk_font.cache_clear()
    try:
        monkeypatch.setenv("HALL_CJK_FONT", "/nonexistent/font.ttc")
        with pytest.raises(PreviewError, match="HALL_CJK_FONT"):
            find_cjk_font()
        find_cjk_font.cache_clear()
        monkeypatch.delenv("HALL_CJK_FONT")
        monkeypatch.setattr("drivers.printer.preview.shutil.which", lambda _: None)
        monkeypatch.setattr("drivers.printer.preview._KNOWN_FILES", ())
        with pytest.raises(PreviewError, match="fonts-wqy-microhei or fonts-noto-cjk"):
            find_cjk_font()
    finally:
        find_cjk_font.cache_clear()
