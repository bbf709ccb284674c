"""`kiosk tour` as a user runs it: a separate process, offscreen, one PNG per screen, mode, language and
panel shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from kiosk.ui.tour import LANGS, SCENES
from tests.support import ROOT


def test_the_tour_renders_every_screen_and_exits_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "tour", "--out", str(tmp_path / "tour")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Exit code 134 here was PySide6 freeing `True` after a few thousand emits (queue_display.qtapp.emit).
    assert done.returncode == 0, done.stderr[-3000:]
    assert "TypeError" not in done.stderr, done.stderr[-3000:]
    shots = sorted((tmp_path / "tour").glob("*.png"))
    expected = sum(len(scene.modes) * len(LANGS) * (2 if scene.landscape else 1) for scene in SCENES)
    assert len(shots) == expected >= 2 * 2 * 14
    assert json.loads((tmp_path / "tour" / "audit.json").read_text()) == {}
    sizes = {Image.open(p).size for p in shots}
    assert sizes == {(1080, 1920), (1920, 1080)}
