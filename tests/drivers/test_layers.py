"""Drivers are the bottom layer: they import no app code, so a driver runs (and its simulator too) on a
machine without the kiosk or the call board, and app changes cannot break a driver."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DRIVERS = Path(__file__).resolve().parents[2] / "drivers"
APP_PACKAGES = ("kiosk", "queue_display")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute module name a module imports, by statement or by `importlib.import_module("...")`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module"))
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def app_imports(source: str) -> list[str]:
    return [
        f"line {line}: {name}"
        for line, name in imported_modules(ast.parse(source))
        if name.split(".")[0] in APP_PACKAGES
    ]


def test_the_walk_sees_every_way_of_importing() -> None:
    source = (
        "import kiosk\nimport os, queue_display.board as b\nfrom kiosk.privacy import mask_name\n"
        "from . import codec\nimport importlib\nimportlib.import_module('kiosk.hall')\n"
        "def f():\n    from queue_display import cli\n    __import__('kiosk.config')\n"
    )
    assert app_imports(source) == [
        "line 1: kiosk",
        "line 2: queue_display.board",
        "line 3: kiosk.privacy",
        "line 6: kiosk.hall",
        "line 8: queue_display",
        "line 9: kiosk.config",
    ]


MODULES = sorted(DRIVERS.rglob("*.py"))


def test_every_driver_module_is_walked() -> None:
    names = {p.relative_to(DRIVERS).as_posix() for p in MODULES}
    assert {"base.py", "idcard/sam.py", "idcard/cards.py", "qrscanner/wedge.py", "speech/phrases.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(DRIVERS).as_posix())
def test_drivers_import_no_app_code(path: Path) -> None:
    assert app_imports(path.read_text(encoding="utf-8")) == [], f"{path} imports app code"
