"""The locks and pyproject.toml agree: every dependency pyproject names is pinned, with hashes, at a version
pyproject allows. Cheap and offline: it reads files and the installed packages' metadata, nothing else.

pyproject.toml says what the product needs; requirements/*.lock say what is installed (setup.sh installs
only from them). A dependency added to pyproject without `bash requirements/lock.sh` would otherwise reach
no machine, or reach it unhashed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import ROOT

REQUIREMENTS = ROOT / "requirements"


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: int


def parse_lock(text: str) -> dict[str, Pin]:
    """name -> pin, for each entry of a `uv pip compile --generate-hashes` file."""
    joined = re.sub(r"\\\n", " ", text)
    pins: dict[str, Pin] = {}
    for line in joined.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)", line)
        if not m:
            raise ValueError(f"not a pinned entry: {line[:80]!r}")
        pins[canonicalize_name(m[1])] = Pin(
            m[3].rstrip(";"), len(re.findall(r"--hash=sha256:[0-9a-f]{64}", line))
        )
    return pins


def requirements_of(pyproject: dict, extras: tuple[str, ...] = ()) -> list[Requirement]:  # type: ignore[type-arg]
    project = pyproject["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    # What `pip install --no-build-isolation .` needs must be locked as well.
    reqs += [Requirement(r) for r in pyproject["build-system"]["requires"]]
    return reqs


def extra_requirements(req: Requirement) -> list[Requirement]:
    """What the extras of `req` (uvicorn[standard]) add, from the installed package's metadata."""
    added = []
    for spec in metadata.requires(req.name) or []:
        dep = Requirement(spec)
        # Only what an extra adds: the marker holds for one of them and not without any.
        marker = dep.marker
        if (
            marker
            and any(marker.evaluate({"extra": e}) for e in req.extras)
            and not marker.evaluate({"extra": ""})
        ):
            added.append(dep)
    return added


def problems(pyproject: dict, lock: dict[str, Pin], extras: tuple[str, ...] = ()) -> list[str]:  # type: ignore[type-arg]
    found = [f"{name}=={pin.version} has no hash" for name, pin in lock.items() if pin.hashes == 0]
    wanted = requirements_of(pyproject, extras)
    wanted += [dep for req in wanted if req.extras for dep in extra_requirements(req)]
    for req in wanted:
        pin = lock.get(canonicalize_name(req.name))
        if pin is None:
            found.append(f"{req} is not in the lock")
        elif not req.specifier.contains(pin.version, prereleases=True):
            found.append(f"{req} does not allow the locked {pin.version}")
    return found


def pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def lock(name: str) -> dict[str, Pin]:
    return parse_lock((REQUIREMENTS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("lock_name", "extras"), [("run.lock", ()), ("test.lock", ("test",))])
def test_the_lock_pins_every_dependency_of_pyproject_with_hashes(
    lock_name: str, extras: tuple[str, ...]
) -> None:
    assert problems(pyproject(), lock(lock_name), extras) == []


def test_the_test_lock_installs_the_product_at_the_run_lock_versions() -> None:
    run, test = lock("run.lock"), lock("test.lock")
    assert {name: test.get(name) for name in run} == run


def test_a_dependency_the_lock_lacks_is_reported() -> None:
    project = pyproject()
    project["project"]["dependencies"] = [*project["project"]["dependencies"], "left-pad>=1.0"]
    project["project"]["optional-dependencies"]["test"].append("fastapi<0.1")
    assert problems(project, lock("test.lock"), ("test",)) == [
        "left-pad>=1.0 is not in the lock",
        f"fastapi<0.1 does not allow the locked {lock('test.lock')['fastapi'].version}",
    ]


def test_an_entry_without_hashes_is_reported() -> None:
    text = (REQUIREMENTS / "run.lock").read_text(encoding="utf-8")
    unhashed = re.sub(r"(alembic==\S+)[^\n]*\\\n(\s+--hash=\S+ \\\n)*\s+--hash=\S+\n", r"\1\n", text)
    assert unhashed != text
    assert problems(pyproject(), parse_lock(unhashed)) == [
        f"alembic=={lock('run.lock')['alembic'].version} has no hash"
    ]
    with pytest.raises(ValueError, match="not a pinned entry"):
        parse_lock(text.replace("alembic==", "alembic>=", 1))
