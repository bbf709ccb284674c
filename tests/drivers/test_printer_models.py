"""Printer models from python-escpos's capabilities database: width, QR mode and cutter as data."""

from __future__ import annotations

from typing import Any

import pytest

from drivers.base import SettingsError
from drivers.printer.capabilities import PROFILES, from_model
from drivers.printer.escpos_import import CAPABILITIES
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.interpret import Cut, Raster, interpret
from drivers.printer.layout import materials_job, ticket_job
from drivers.printer.model import MaterialsPrint
from tests.drivers.test_printer_support import HALL, check_ticket_job, ticket, ticket_json

FILE = {"transport": "file", "path": "/tmp/never-written", "poll_interval_s": 0}


def caps_for(**settings: Any) -> Any:
    return EscposPrinter({**FILE, **settings}).caps


def test_model_sets_width_qr_and_cutter() -> None:
    pos = caps_for(model="POS-5890")  # Zjiang 58 mm: no native QR, no cutter
    assert (pos.width_dots, pos.qr, pos.cutter, pos.qr_module, pos.model) == (
        384,
        "raster",
        False,
        5,
        "POS-5890",
    )
    t88 = caps_for(model="TM-T88V")
    assert (t88.width_dots, t88.qr, t88.cutter, t88.cols) == (512, "native", True, 42)
    assert caps_for(model="TM-P80-42col").width_dots == 544  # 546 in the database; GS v 0 needs bytes
    assert caps_for(model="RP326", paper="58mm").width_dots == 384  # width unknown there: the paper's
    assert caps_for(model="POS-5890", qr="native", cutter=True).qr == "native"  # settings still win
    assert caps_for(model="POS-5890").encoding == "gb18030"  # the database has no Chinese code page


@pytest.mark.parametrize(
    ("model", "words"),
    [("TM-T99", "model 'TM-T99' is not a python-escpos profile"), ("TM-U220", "neither a native QR")],
)
def test_a_model_that_cannot_print_tickets_is_a_settings_error(model: str, words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        caps_for(model=model)


PRINTABLE = sorted(
    name
    for name, data in CAPABILITIES["profiles"].items()
    if isinstance(data.get("media", {}).get("width", {}).get("pixels"), int)
    and data["media"]["width"]["pixels"] >= 384
    and (data["features"].get("qrCode") or data["features"].get("bitImageRaster"))
)


@pytest.mark.parametrize("model", PRINTABLE)
def test_every_receipt_model_gets_a_ticket_that_fits(model: str) -> None:
    caps = from_model(model, PROFILES["80mm"])
    body = ticket_json()
    job = ticket_job(ticket(), caps)
    paper = check_ticket_job(job, body, caps.width_dots, cutter=caps.cutter)
    assert bool(paper.qrs) == (caps.qr == "native")
    assert [b for b in paper.blocks if isinstance(b, Raster)] or caps.qr == "native"
    assert isinstance(paper.blocks[-1], Cut) == caps.cutter
    slip = interpret(
        materials_job(MaterialsPrint(HALL, "户口迁移", "Household move", ("居民户口簿",)), caps),
        caps.width_dots,
    )
    assert not [line.text for line in slip.lines if line.wrapped or line.width_dots > caps.width_dots]
