"""Test support: a real back-office process on loopback, its tokens, and a PostgreSQL server of our own."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("admin", "kiosk", "counter", "display", "technician")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, hall: str = "", **queue: object) -> Path:
    """A test hall: no zeroconf (tests that want it ask), no seeded counters, chosen queue settings.

    `hall` is TOML put under [hall] (keys, then perhaps a [hall.hours] table)."""
    lines = ["[hall]", "seed_counters = false", hall, "", "[discovery]", "enabled = false", "", "[queue]"]
    for k, v in queue.items():
        lines.append(f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_tokens(config_path: Path, data_dir: Path, db: str | None) -> dict[str, str]:
    """One token per role, made through the service layer exactly as `kiosk token create` does."""
    from kiosk.config import load_config
    from kiosk.hall.server import open_hall

    hall = open_hall(load_config(config_path), data_dir, db)
    try:
        return {role: hall.service.create_token(role, f"test {role}")[1] for role in ROLES}
    finally:
        hall.close()


@dataclass
class HallProcess:
    """`kiosk serve` as a child process; start, kill -9 and restart it on the same data."""

    data_dir: Path
    config: Path
    db: str | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    # How `kiosk` is started, and from where: the source tree by default; an installed wheel's console
    # script run from elsewhere proves the installed package stands alone.
    launcher: list[str] = field(default_factory=lambda: [sys.executable, "-m", "kiosk"])
    cwd: Path = ROOT

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        cmd = [
            *self.launcher,
            "serve",
            "--data",
            str(self.data_dir),
            "--config",
            str(self.config),
            "--port",
            str(self.port),
        ]
        if self.db:
            cmd += ["--db", self.db]
        self.log_path = self.data_dir / "server.log"
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it for its whole life
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kiosk serve exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"kiosk serve did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut of the process."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Api:
    """A small client that knows the hall's tokens by role."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens
        self.http = httpx.Client(base_url=base + "/api/v1", timeout=15.0)

    def request(self, method: str, path: str, role: str | None = None, **kw: object) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})  # type: ignore[call-overload]
        if role:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return self.http.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]

    def get(self, path: str, role: str | None = None, **kw: object) -> httpx.Response:
        return self.request("GET", path, role, **kw)

    def post(self, path: str, role: str | None = None, **kw: object) -> httpx.Response:
        return self.request("POST", path, role, **kw)

    def put(self, path: str, role: str | None = None, **kw: object) -> httpx.Response:
        return self.request("PUT", path, role, **kw)

    def issue(
        self,
        matter: str,
        green_reason: str | None = None,
        key: str | None = None,
        appointment: str | None = None,
        role: str = "kiosk",
    ) -> httpx.Response:
        key = key or os.urandom(8).hex()
        return self.post(
            "/tickets",
            role,
            headers={"Idempotency-Key": key},
            json={"matter": matter, "green_reason": green_reason, "appointment": appointment},
        )

    def issue_as(self, role: str, matter: str) -> httpx.Response:
        return self.issue(matter, role=role)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Postgres:
    bindir: Path
    root: Path
    port: int
    user: str

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"

    def createdb(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return self.url(name)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            self._as_owner([str(self.bindir / tool), *args]), check=True, capture_output=True, timeout=60
        )

    def _as_owner(self, cmd: list[str]) -> list[str]:
        # initdb refuses to run as root; the server runs as the Debian 'postgres' user then.
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    bindir = pg_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="hall-pg-"))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    pg = Postgres(bindir, root, free_port(), user)
    data = root / "data"
    try:
        pg._run("initdb", "-D", str(data), "-U", user, "--auth=trust", "--encoding=UTF8", "--no-sync")
        pg._run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(root / "pg.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {pg.port} -k {root} -c fsync=on",
            "start",
        )
        yield pg
    finally:
        with contextlib.suppress(Exception):
            pg._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


class LineReader:
    """Lines from a child's stdout, each within a timeout.

    Raw os.read on the file descriptor: a buffered pipe object would hold lines that select() no longer sees.
    """

    def __init__(self, stream: Any) -> None:
        self.fd = stream.fileno()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.fd, selectors.EVENT_READ)
        self.buf = b""
        self.closed = False

    def line(self, timeout: float) -> str:
        """The next line; TimeoutError if none comes in time, EOFError once the child closed its stdout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.closed:
                raise EOFError("the process closed its output")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line within {timeout}s")
            if self.sel.select(min(left, 0.2)):
                chunk = os.read(self.fd, 65536)
                self.closed = not chunk
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\n", 1)
        return raw.decode(errors="replace")

    def json(self, timeout: float) -> dict[str, Any]:
        return dict(json.loads(self.line(timeout)))


# --- round trips ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def counted_statements(engine: Any) -> Iterator[list[str]]:
    """Every statement `engine` sends while the block runs, BEGIN and COMMIT included (one round trip each
    on PostgreSQL), as the first word of each."""
    from sqlalchemy import event

    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        word = sql.split(None, 1)[0].upper()
        if word != "BEGIN":  # SQLite's BEGIN IMMEDIATE, sent for the "begin" event already counted
            seen.append(word)

    hooks = {
        "before_cursor_execute": statement,
        "begin": lambda _conn: seen.append("BEGIN"),
        "commit": lambda _conn: seen.append("COMMIT"),
        "rollback": lambda _conn: seen.append("ROLLBACK"),
    }
    for name, fn in hooks.items():
        event.listen(engine, name, fn)
    try:
        yield seen
    finally:
        for name, fn in hooks.items():
            event.remove(engine, name, fn)


def hall_round_trips(url: str) -> dict[str, list[str]]:
    """The statements one ticket issue (with an idempotency key), one call-next and one no-show send to the
    database at `url` (a fresh, empty hall), each as the list `counted_statements` gives."""
    from kiosk.config import load_config
    from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
    from kiosk.hall.service import HallService, Principal
    from kiosk.hall.store import open_store

    store = open_store(url)
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store)
    out: dict[str, list[str]] = {}
    try:
        svc.put_counter("c1", 1, "一号窗口", "Window 1", [], ["social"])
        for _ in range(3):  # warm: the day's numbering row and the counter sets exist
            svc.issue_ticket("pension_enrol")
        kiosk = Principal(1, "kiosk", "kiosk")
        steps = {
            "issue": lambda: svc.issue_ticket("pension_enrol", principal=kiosk, idempotency_key="k1"),
            "call_next": lambda: svc.call_next("c1"),
            "no_show": lambda: svc.no_show("c1"),
        }
        for name, step in steps.items():
            with counted_statements(store.write) as seen:
                step()
            out[name] = list(seen)
    finally:
        svc.close()
        store.dispose()
    return out
