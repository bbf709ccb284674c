"""The job writer on python-escpos's Escpos: every command's bytes against the Epson reference, and
the python-escpos behaviour that made text, cut and the import ours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from drivers.printer.commands import Align
from drivers.printer.interpret import Raster, interpret
from drivers.printer.job import JobBuilder, escpos_profile
from tests.drivers.simproc import ROOT


def test_each_command_is_the_epson_reference_sequence() -> None:
    b = JobBuilder(width_dots=576)
    b.init().align(Align.CENTER).size(4, 3).bold(True).line("A012").bold(False).size(1, 1).align(Align.LEFT)
    b.qr_native("http://h/t/x", module=6, ec="M").feed_lines(2).cut()
    assert b.getvalue() == (
        b"\x1b@"  # ESC @ initialise
        b"\x1ba\x01"  # ESC a 1 centre
        b"\x1d!\x32"  # GS ! n: width-1 in the high nibble, height-1 in the low one
        b"\x1bE\x01A012\n\x1bE\x00"  # ESC E 1 / 0
        b"\x1d!\x00\x1ba\x00"
        b"\x1d(k\x04\x001A2\x00"  # GS ( k fn 65: model 2
        b"\x1d(k\x03\x001C\x06"  # fn 67: module 6 dots
        b"\x1d(k\x03\x001E1"  # fn 69: error correction M (49)
        b"\x1d(k\x0f\x001P0http://h/t/x"  # fn 80: store; pL = 12 data + 3
        b"\x1d(k\x03\x001Q0"  # fn 81: print
        b"\x1bd\x02"  # ESC d 2
        b"\x1dVA\x00"  # GS V 65 0: feed to the cutter, full cut
    )


def test_text_uses_chinese_mode_where_the_library_sends_raw_gb18030() -> None:
    from escpos.printer import Dummy

    lib = Dummy()
    lib.text("取号，A012\n")
    assert lib.output == "取号，A012\n".encode("gb18030")  # no FS &: junk on a printer in ANK mode
    b = JobBuilder()
    b.textln("取号，A012")  # the library's textln goes through our text()
    b.text("，。")  # CJK punctuation alone: the library sends ESC t 0 "??"
    assert b.getvalue() == b"\x1c&" + "取号，A012".encode("gb18030") + b"\x1c.\n\x1c&\xa3\xac\xa1\xa3\x1c."
    gbk = JobBuilder("gbk")
    gbk.text("𠀀取")  # outside GBK: one "?", and the next character is still a whole pair
    assert gbk.getvalue() == b"\x1c&?\xc8\xa1\x1c."


def test_cut_feeds_to_the_cutter_instead_of_six_blank_lines() -> None:
    from escpos.printer import Dummy

    lib = Dummy()
    lib.cut()
    assert lib.output == b"\x1bd\x06\x1dV\x00"  # the library: 6 lines of paper, then cut where it is
    b = JobBuilder()
    b.cut()
    b.cut("PART")
    b.cut(feed=False)
    assert b.getvalue() == b"\x1dVA\x00" + b"\x1dVB\x00" + b"\x1dV\x00"
    with pytest.raises(ValueError):
        b.cut("HALF")


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 70).flatmap(
        lambda w: st.lists(st.lists(st.booleans(), min_size=w, max_size=w), min_size=1, max_size=40)
    )
)
def test_raster_through_the_library_keeps_every_dot(rows: list[list[bool]]) -> None:
    job = JobBuilder(width_dots=576).raster(rows).getvalue()
    assert job.startswith(b"\x1dv0\x00")  # GS v 0, m = 0: normal density
    (image,) = [b for b in interpret(job, 576).blocks if isinstance(b, Raster)]
    assert (image.width_bytes, image.height) == ((len(rows[0]) + 7) // 8, len(rows))
    assert all(image.dot(x, y) == dot for y, row in enumerate(rows) for x, dot in enumerate(row))
    for y in range(len(rows)):  # the padding bits of a row's last byte stay white
        assert not any(image.dot(x, y) for x in range(len(rows[0]), image.width_bytes * 8))


def test_builder_refuses_what_the_library_would_send_silently_wrong() -> None:
    b = JobBuilder()
    with pytest.raises(ValueError):
        b.qr_native("", module=6)  # the library prints nothing for an empty QR
    with pytest.raises(ValueError):
        b.qr_native("http://h/票", module=6)  # UTF-8 in a QR that printers read as Latin-1
    with pytest.raises(ValueError):
        b.qr_native("http://h/", module=17)
    with pytest.raises(ValueError):
        b.feed_lines(256)
    with pytest.raises(Exception, match="577"):  # the library's ImageWidthError: wider than the paper
        b.raster([[True] * 577])
    assert b.getvalue() == b""


def test_images_print_nothing_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    from escpos.printer import Dummy

    Dummy().image(Image.new("1", (8, 1)))  # the library, with no paper width in its profile
    assert "media.width.pixel" in capsys.readouterr().out
    JobBuilder(width_dots=384).raster([[True] * 384])  # stdout may be a simulator's protocol channel
    assert capsys.readouterr().out == ""


def test_profiles_are_private_copies() -> None:
    a, b = escpos_profile("TM-T88V", 512), escpos_profile("TM-T88V", 576)
    assert a.profile_data["media"]["width"]["pixels"] == 512
    assert b.profile_data["media"]["width"]["pixels"] == 576
    assert a.supports("qrCode") and not escpos_profile("POS-5890", 384).supports("qrCode")


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


APP_LOGGING = (
    "import logging; logging.basicConfig(level=logging.INFO, format='APP %(message)s'); "
    "logging.getLogger('kiosk').info('started')"
)


@pytest.mark.parametrize("module", ["escpos.escpos", "drivers.printer.job"])
def test_importing_the_job_writer_leaves_logging_and_tmp_alone(module: str, tmp_path: Path) -> None:
    run = _python(f"import {module}; {APP_LOGGING}", tmp_path)
    assert run.returncode == 0, run.stderr
    leftovers = list((tmp_path / "tmp").iterdir())
    if module == "escpos.escpos":  # why the import goes through drivers.printer.escpos_import
        assert "APP started" not in run.stderr and leftovers
        return
    assert "APP started" in run.stderr  # the application's own logging set-up took effect
    assert leftovers == []  # no per-process temp directory
    cache = tmp_path / "cache" / "community-hall" / "escpos"
    assert list(cache.glob("*.capabilities.pickle")) and cache.stat().st_mode & 0o077 == 0
