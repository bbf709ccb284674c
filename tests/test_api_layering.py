"""The API is a thin adapter: it reaches the hall only through the service layer's methods."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT

API = ROOT / "kiosk" / "hall" / "api"
# The service's internals: the event hub, the store, configuration, catalogue and policy objects, the writer.
INTERNALS = {"hub", "store", "config", "catalogue", "policy", "writer", "tz"}


def internal_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in INTERNALS:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module in ("kiosk.hall.writer", "kiosk.hall.store"):
            found.append(f"{path.name}:{node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Name) and node.id == "ACTOR":
            found.append(f"{path.name}:{node.lineno}: ACTOR")
    return found


def test_api_modules_use_only_the_service_layer() -> None:
    modules = sorted(API.rglob("*.py"))
    assert len(modules) >= 10
    found = [use for path in modules for use in internal_uses(path)]
    assert found == [], "the API must go through HallService methods:\n" + "\n".join(found)


def test_the_check_sees_a_router_reaching_in(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from kiosk.hall.writer import ACTOR\n"
        "def f(svc):\n    ACTOR.set(None)\n    return svc.hub.last_seq, svc.store.dialect, svc.config\n",
        encoding="utf-8",
    )
    assert len(internal_uses(bad)) == 5
