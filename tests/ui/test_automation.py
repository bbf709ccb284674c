"""The automation channel drives a real Qt process: clicks, typing, properties, screenshots."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def test_automation_channel(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.automation_app"],
        cwd=ROOT,
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin and proc.stdout

    def ask(**cmd: object) -> dict:  # type: ignore[type-arg]
        proc.stdin.write(json.dumps(cmd) + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        return dict(json.loads(proc.stdout.readline()))  # type: ignore[union-attr]

    try:
        assert json.loads(proc.stdout.readline())["ready"]
        assert ask(cmd="click", name="button")["ok"]
        assert ask(cmd="click", name="button")["ok"]
        assert ask(cmd="prop", name="label", prop="text") == {"ok": True, "value": "clicks: 2"}
        assert ask(cmd="type", name="field", text="wang01")["ok"]
        assert ask(cmd="prop", name="field", prop="text")["value"] == "wang01"
        missing = ask(cmd="click", name="nope")
        assert not missing["ok"] and "no item named 'nope'" in missing["error"]
        shot = tmp_path / "shot.png"
        assert ask(cmd="screenshot", path=str(shot))["ok"] and shot.stat().st_size > 1000
        assert ask(cmd="quit")["ok"]
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
