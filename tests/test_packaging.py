"""A non-editable install stands alone: the wheel, in a fresh venv with only the locked dependencies, serves a
hall and finds every data file it ships (catalogue, translations, phrases, migrations, defaults).

This is what the Debian package does (`pip install .`), so nothing here may lean on the source tree: the
wheel is built from a copy of it, and every installed program runs from an empty directory.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, Api, HallProcess
from tests.ui.test_board_support import BoardProcess, write_board_config

pytestmark = pytest.mark.slow

# Source folder -> where its files land in the wheel.
PACKAGE_DIRS = {
    "kiosk": "kiosk",
    "drivers": "drivers",
    "queue_display": "queue_display",
    "assets": "hall_data/assets",
    "locales": "hall_data/locales",
}
# Files of those folders the product never reads at run time: documentation, the translators' sources
# (lrelease compiles each into the .qm that ships), alembic's template for writing a new migration.
NOT_SHIPPED_NAMES = {"README.md", "script.py.mako"}
NOT_SHIPPED_SUFFIXES = {".ts", ".pyc"}
# Never copied into the build: what a working checkout accumulates.
BUILD_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "var", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)
MATTERS = 59


def pip(python: Path, *args: str | Path) -> None:
    subprocess.run(
        [python, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
        capture_output=True,
        timeout=600,
    )


def expected_data_files() -> dict[str, Path]:
    """Every file the product reads at run time, by its path in the wheel."""
    found: dict[str, Path] = {}
    for src, dest in PACKAGE_DIRS.items():
        for path in (ROOT / src).rglob("*"):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and path.name not in NOT_SHIPPED_NAMES
                and path.suffix not in NOT_SHIPPED_SUFFIXES
            ):
                found[f"{dest}/{path.relative_to(ROOT / src).as_posix()}"] = path
    return found


def first_translation(ts: Path) -> tuple[str, str, str]:
    """(context, source, translation) of the .ts file's first finished message."""
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            tr = message.find("translation")
            if tr is not None and tr.text and tr.get("type") not in ("unfinished", "obsolete"):
                return context.findtext("name") or "", message.findtext("source") or "", tr.text
    raise AssertionError(f"{ts} has no finished translation")


@dataclass
class Install:
    wheel: Path
    venv: Path
    site: Path
    workdir: Path
    timings: dict[str, float]

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    base = tmp_path_factory.mktemp("packaging")
    timings: dict[str, float] = {}

    t0 = time.monotonic()
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=BUILD_IGNORE)
    # Built from a copy: an in-tree build leaves build/ behind, whose stale files a later wheel would carry.
    pip(Path(sys.executable), "wheel", "--no-deps", "--no-build-isolation", "-w", base / "dist", src)
    (wheel,) = (base / "dist").glob("*.whl")
    timings["build wheel"] = time.monotonic() - t0

    t0 = time.monotonic()
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip(python, "install", "--require-hashes", "-r", ROOT / "requirements" / "run.lock")
    timings["venv + locked run dependencies"] = time.monotonic() - t0

    t0 = time.monotonic()
    pip(python, "install", "--no-deps", wheel)
    timings["install wheel"] = time.monotonic() - t0
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    workdir = base / "work"
    workdir.mkdir()
    yield Install(wheel, venv, site, workdir, timings)
    print("\npackaging timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))


def test_the_wheel_carries_every_data_file_and_no_tests(install: Install) -> None:
    names = set(zipfile.ZipFile(install.wheel).namelist())
    missing = sorted(set(expected_data_files()) - names)
    assert not missing, f"data files missing from the wheel: {missing}"
    tests = [n for n in names if n.split("/")[0] == "tests" or "/tests/" in n or "/test_" in f"/{n}"]
    assert not tests, f"test files in the wheel: {tests}"
    for ts in (ROOT / "locales").glob("*/*.ts"):
        qm = f"hall_data/locales/{ts.parent.name}/{ts.stem}.qm"
        assert qm in names, f"{ts.relative_to(ROOT)} has no compiled {qm} in the wheel"
    for name in names:
        if name.endswith(".ts"):
            assert name[:-3] + ".qm" in names, f"{name} ships without its .qm"


def installed_run(install: Install, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """A program of the installed venv, run from an empty folder with nothing of the checkout on its path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env |= {"QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [*map(str, args)], cwd=install.workdir, env=env, capture_output=True, text=True, timeout=120
    )


# Run by the installed python: where each data file comes from, and that each one loads.
PROBE = r"""
import json, sys
from PySide6.QtCore import QCoreApplication, QTranslator
import kiosk, drivers, queue_display
from kiosk import resources
from kiosk.config import load_config
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from drivers.speech import phrases
from queue_display import qtapp

expected = json.loads(sys.argv[1])
app = QCoreApplication([])
out = {
    "modules": [kiosk.__file__, drivers.__file__, queue_display.__file__],
    "paths": [str(p) for p in (resources.CATALOGUE_PATH, resources.DEFAULTS_PATH, resources.MIGRATIONS_DIR,
                               DEFAULT_CATALOGUE_PATH, qtapp.LOCALES_DIR, phrases.LOCALES_DIR)],
    "hall": load_config().hall.name,
    "matters": len(load_catalogue(DEFAULT_CATALOGUE_PATH).matters),
    "call": phrases.load_phrases("zh_CN").render("call", number="G012", window=3),
    "translations": {},
}
for key, (context, source) in expected.items():
    lang, catalog = key.split("/")
    tr = QTranslator()
    loaded = tr.load(str(qtapp.LOCALES_DIR / lang / f"{catalog}.qm"))
    out["translations"][key] = tr.translate(context, source) if loaded else None
print(json.dumps(out))
"""


def test_every_data_file_loads_from_the_installed_package(install: Install) -> None:
    catalogs = sorted((ROOT / "locales").glob("*/*.ts"))
    expected = {f"{ts.parent.name}/{ts.stem}": first_translation(ts) for ts in catalogs}
    asked = {key: [context, source] for key, (context, source, _) in expected.items()}
    r = installed_run(install, install.bin / "python", "-c", PROBE, json.dumps(asked))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for path in out["modules"] + out["paths"]:
        assert Path(path).is_relative_to(install.site), f"{path} is not from the installed package"
    assert out["hall"] == "幸福里社区便民服务大厅"  # defaults.toml
    assert out["matters"] == MATTERS
    assert out["call"].startswith("请") and "号窗口" in out["call"]
    assert out["translations"] == {key: translation for key, (_, _, translation) in expected.items()}
    assert len(out["translations"]) == 8  # zh_CN and en: board, counter terminal, rating pad, resident kiosk


@pytest.fixture(scope="module")
def served(install: Install) -> Iterator[tuple[HallProcess, Api]]:
    data = install.workdir / "hall"
    data.mkdir()
    config = install.workdir / "hall.toml"
    config.write_text("[discovery]\nenabled = false\n", encoding="utf-8")
    kiosk = str(install.bin / "kiosk")
    proc = HallProcess(data, config, launcher=[kiosk], cwd=install.workdir)
    t0 = time.monotonic()
    proc.start()
    install.timings["kiosk serve ready"] = time.monotonic() - t0
    tokens = {}
    for role in ("kiosk", "counter", "display", "technician"):
        r = installed_run(
            install,
            kiosk,
            "token",
            "create",
            "--data",
            data,
            "--config",
            config,
            "--role",
            role,
            "--name",
            f"packaging {role}",
        )
        assert r.returncode == 0, r.stderr
        tokens[role] = r.stdout.strip()
    api = Api(proc.url, tokens)
    try:
        yield proc, api
    finally:
        api.close()
        proc.stop()


def test_the_installed_back_office_serves_the_catalogue_and_calls_a_ticket(
    install: Install, served: tuple[HallProcess, Api]
) -> None:
    proc, api = served
    health = api.get("/health").json()
    assert health["hall"] == "幸福里社区便民服务大厅" and health["database"] == "sqlite"
    catalogue = api.get("/catalogue").json()
    matters = [m for c in catalogue["categories"] for m in c["matters"]]
    assert len(matters) == MATTERS
    # The counters a new hall seeds from the catalogue's counter groups can call at once.
    matter = next(m for m in matters if m["counters"])
    issued = api.issue(matter["id"])
    assert issued.status_code == 201, issued.text
    counter = matter["counters"][0]
    called = api.post(f"/counters/{counter}/call-next", "counter")
    assert called.status_code == 200, called.text
    assert called.json()["number"] == issued.json()["number"]
    for step in ("start", "finish"):
        assert api.post(f"/counters/{counter}/{step}", "counter").status_code == 200

    # The packaged migrations ran: the schema is at the newest revision the wheel ships.
    versions = zipfile.Path(install.wheel, "kiosk/hall/migrations/versions/")
    revisions = {p.name.split("_")[0] for p in versions.iterdir() if p.name[0].isdigit()}
    with sqlite3.connect(proc.data_dir / "hall.db") as db:
        (current,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert current == max(revisions), (current, revisions)
    assert "Traceback" not in proc.log()
    with httpx.Client() as http:
        assert http.get(f"{proc.url}/api/v1/queue").status_code == 200


def call_next(api: Api) -> tuple[str, int]:
    """Issue a ticket for a free seeded counter and call it there: (number, window)."""
    counter = next(c for c in api.get("/counters", "display").json() if c["serves"] and not c.get("current"))
    issued = api.issue(counter["serves"][0])
    assert issued.status_code == 201, issued.text
    called = api.post(f"/counters/{counter['id']}/call-next", "counter")
    assert called.status_code == 200, called.text
    return str(called.json()["number"]), int(counter["window"])


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_the_installed_call_board_shows_and_speaks_a_call(
    install: Install, served: tuple[HallProcess, Api]
) -> None:
    """The board's QML, its zh_CN translation and the spoken phrases, all from site-packages."""
    proc, api = served
    folder = install.workdir / "board"
    folder.mkdir()
    wavs = folder / "wav"
    config = write_board_config(folder / "board.toml", api.tokens["display"], wavs, proc.url)
    board = BoardProcess(["--config", str(config)], folder / "board.log", python=install.bin / "python")
    try:
        board.wait_for(lambda: board.status()["connection"] == "connected", timeout=15)
        number, window = call_next(api)
        board.wait_for(lambda: board.prop("latestNumber", "text") == number)
        assert f"请 {number} 号到 {window} 号窗口办理" in board.prop("tickerText", "text")
        board.wait_for(lambda: list(wavs.glob("*.wav")), timeout=15)
    finally:
        board.close()
    assert "Traceback" not in board.log() and "no board translation" not in board.log(), board.log()


def test_the_installed_simulators_report_every_device(
    install: Install, served: tuple[HallProcess, Api]
) -> None:
    """`kiosk simulate`: the drivers found through the wheel's entry points, the simulators' own data."""
    proc, api = served
    data = install.workdir / "devices"
    sim = subprocess.Popen(
        [
            install.bin / "kiosk",
            "simulate",
            "--data",
            data,
            "--report",
            proc.url,
            "--token",
            api.tokens["technician"],
        ],
        cwd=install.workdir,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        devices: list[dict] = []  # type: ignore[type-arg]
        while time.monotonic() < deadline and len(devices) < 6:
            assert sim.poll() is None, sim.stdout.read() if sim.stdout else ""
            time.sleep(0.5)
            devices = api.get("/devices", "technician").json()
    finally:
        sim.send_signal(signal.SIGTERM)
        try:
            output = sim.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            sim.kill()
            output = sim.communicate()[0]
    kinds = {d["kind"]: d for d in devices}
    assert set(kinds) == {"idcard", "printer", "qrscanner", "led", "camera", "speech"}, output
    for kind in ("idcard", "printer", "led", "camera"):
        assert kinds[kind]["status"] == "ok", (kinds[kind], output)
    # Its phrase files loaded (a broken one is a configuration error); without a sound card it is degraded.
    assert kinds["speech"]["status"] in ("ok", "degraded"), (kinds["speech"], output)
