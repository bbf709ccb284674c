"""Helpers for the call board tests and tests/bench_board.py: a real back office, a real board process
under automation, and a loopback proxy that refuses WebSocket upgrades. No tests here."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import ROOT, Api, HallProcess, LineReader, free_port, make_tokens

SOCIAL = "pension_enrol"  # counter group "social": blue
ENTERPRISE = "employer_social_insurance_registration"  # yellow
CALL_TYPES = ("ticket.called", "ticket.recalled")


def setup_counters(api: Api, windows: int = 2) -> None:
    """c1 (window 1, social) and c2 (window 3, enterprise + social); more social windows if asked."""
    specs = [("c1", 1, ["social"], []), ("c2", 3, ["enterprise"], [SOCIAL])]
    specs += [(f"c{i}", i + 2, ["social"], []) for i in range(3, windows + 1)]
    for cid, window, groups, matters in specs[:windows]:
        body = {
            "window": window,
            "name_zh": f"{window}号窗口",
            "name_en": f"Window {window}",
            "groups": groups,
        }
        if matters:
            body["matters"] = matters
        r = api.put(f"/counters/{cid}", "admin", json=body)
        assert r.status_code == 201, r.text


@dataclass
class Hall:
    proc: HallProcess
    api: Api

    @property
    def url(self) -> str:
        return self.proc.url

    def call_events(self, since: int) -> list[dict[str, Any]]:
        """The back office's own record of every call after `since`: what the board must have."""
        out: list[dict[str, Any]] = []
        while True:
            page = self.api.get(f"/events?since={since}&limit=500", "display").json()["events"]
            out += [e for e in page if e["type"] in CALL_TYPES]
            if len(page) < 500:
                return out
            since = page[-1]["seq"]

    def last_seq(self) -> int:
        return int(self.api.get("/health").json()["last_seq"])


def _toml(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)  # JSON strings, numbers and lists are valid TOML


def write_hall_config(path: Path, discovery: bool = False, name: str = "") -> Path:
    """A test hall; discovery, when asked for, is advertised on loopback only."""
    lines = ["[hall]", "seed_counters = false"] + ([f"name = {_toml(name)}"] if name else [])
    lines += ["", "[discovery]", f"enabled = {'true' if discovery else 'false'}"]
    lines += ['interfaces = ["127.0.0.1"]'] if discovery else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def running_hall(data: Path, discovery: bool = False, name: str = "") -> Iterator[Hall]:
    config = write_hall_config(data / "hall.toml", discovery, name)
    tokens = make_tokens(config, data, None)
    proc = HallProcess(data, config)
    proc.start()
    api = Api(proc.url, tokens)
    try:
        yield Hall(proc, api)
    finally:
        api.close()
        proc.stop()


def write_board_config(
    path: Path,
    token: str,
    wav_dir: Path,
    hall_url: str = "",
    speech: dict[str, Any] | None = None,
    **display: Any,
) -> Path:
    """A board's TOML: its display settings and a speech driver writing each announcement to wav_dir."""

    lines = ["[display]", f"token = {_toml(token)}", f"hall_url = {_toml(hall_url)}"]
    lines += [f"{k} = {_toml(v)}" for k, v in display.items()]
    lines += [
        "",
        "[devices.speech]",
        'driver = "espeak-ng"',
        'output = "wav-dir"',
        f"wav_dir = {_toml(str(wav_dir))}",
    ]
    lines += [f"{k} = {_toml(v)}" for k, v in (speech or {}).items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class BoardProcess:
    """`python -m queue_display.board --automation --windowed` offscreen; JSON commands over stdin."""

    def __init__(
        self,
        args: list[str],
        log_path: Path,
        prefix: list[str] | None = None,
        python: Path | None = None,
        module: tuple[str, ...] = ("queue_display.board",),
    ) -> None:
        """`python`: an installed venv's interpreter, run from the log's folder with nothing of the checkout
        on its path; by default the board runs from the source tree. `module`: another Qt app with the same
        automation channel (e.g. ("kiosk", "run"))."""
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "QT_QUICK_BACKEND": "software",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
        if python is not None:
            del env["PYTHONPATH"]
        env.pop("HALL_TOKEN", None)
        self.log_path = log_path
        log = open(log_path, "ab")  # noqa: SIM115 - the child owns it
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            [
                *(prefix or []),
                str(python or sys.executable),
                "-m",
                *module,
                "--automation",
                "--windowed",
                *args,
            ],
            cwd=ROOT if python is None else log_path.parent,
            env=env,
            text=True,
            encoding="utf-8",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        log.close()
        self._reader = LineReader(self.proc.stdout)
        first = self._next(60)
        assert json.loads(first).get("ready"), first
        self.ready_at = time.monotonic()

    def _next(self, timeout: float) -> str:
        try:
            return self._reader.line(timeout)
        except TimeoutError:
            raise TimeoutError(f"the board did not answer within {timeout}s\n{self.log()}") from None
        except EOFError:
            raise RuntimeError(f"the board exited ({self.proc.wait(5)})\n{self.log()}") from None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def ask(self, timeout: float = 15.0, **cmd: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self._next(timeout))
        if not answer.get("ok"):
            raise RuntimeError(f"{cmd}: {answer.get('error')}")
        return answer.get("value", answer)

    def prop(self, name: str, prop: str) -> Any:
        return self.ask(cmd="prop", name=name, prop=prop)

    def history(self) -> dict[str, Any]:
        return dict(self.ask(cmd="history"))

    def status(self) -> dict[str, Any]:
        return dict(self.ask(cmd="status"))

    def wait_for(self, check: Callable[[], Any], timeout: float = 10.0, every: float = 0.05) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s\n{self.log()}")
            time.sleep(every)

    def calls(self) -> list[dict[str, Any]]:
        return list(self.history()["calls"])

    def close(self) -> int:
        if self.proc.poll() is None:
            try:
                self.ask(cmd="quit", timeout=5)
                return self.proc.wait(15)
            except (TimeoutError, RuntimeError, BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
        return self.proc.wait(10)


class NoUpgradeProxy:
    """A loopback TCP proxy that forwards plain HTTP and refuses WebSocket upgrades, like a misconfigured
    reverse proxy in front of the back office: the board must fall back to polling through it."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.refused = 0
        self.forwarded = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        if b"upgrade: websocket" in head.lower():
            self.refused += 1
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        self.forwarded += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        up_writer.write(head)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(OSError):
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)
