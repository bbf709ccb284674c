"""Benchmark of the hall back office on SQLite and PostgreSQL: ticket issue and call-next, at 0, 5,000 and
50,000 tickets waiting, plus call -> WebSocket latency.

Not a test (pytest collects only test_*.py). Run (a few minutes; --quick for about one):

    .venv/bin/python tests/bench_issue.py [--quick] [--db both|sqlite|postgres] [--waiting 0,5000,50000]

A real `kiosk serve` runs on loopback and is driven over real HTTP; each queue length gets a fresh hall whose
waiting tickets are written into the database before it starts. Every comparison is with a baseline measured
in the same run: the bare durable INSERT+COMMIT on the same disk (what the server's own cost is added to),
and the empty queue (what a long queue must not slow down). No figure of another system is printed: one that
was not measured here, on this machine and this day, is not a baseline.

The client is a minimal asyncio HTTP/1.1 client on keep-alive connections. Each request goes out in one
write() on a TCP_NODELAY socket: a request split into header and body writes on a Nagle socket waits ~40 ms
for the peer's delayed ACK.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script, `tests.support` must still import
    sys.path.insert(0, str(ROOT))

from kiosk.hall.store import database_url  # noqa: E402
from tests.support import (  # noqa: E402
    HallProcess,
    Postgres,
    hall_round_trips,
    make_tokens,
    postgres_server,
    write_config,
)

FLAT_LIMIT = 1.5  # p50 with a long queue at most this many times the empty queue's
CALL_TARGET_P95_MS = 150.0  # design §7: call -> call board
REQUEST_TIMEOUT_S = 30.0
# Blue, yellow (enterprise matter) and green tickets in roughly a hall's mix.
BODIES: list[dict[str, Any]] = [
    {"matter": "pension_enrol", "green_reason": None, "appointment": None},
    {"matter": "ss_card_apply", "green_reason": None, "appointment": None},
    {"matter": "pension_claim", "green_reason": None, "appointment": None},
    {"matter": "employer_social_insurance_registration", "green_reason": None, "appointment": None},
    {"matter": "pension_enrol", "green_reason": "age", "appointment": None},
    {"matter": "ss_card_replace", "green_reason": "pregnancy", "appointment": None},
    {"matter": "medical_enrol", "green_reason": None, "appointment": None},
]
COUNTER_GROUPS = ["social", "enterprise"]  # every matter in BODIES


# --- a small HTTP/1.1 client ---------------------------------------------------------------------------


class HttpError(RuntimeError):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Conn:
    """One keep-alive HTTP/1.1 connection: a request is one write(), a reply is read by Content-Length."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._r: asyncio.StreamReader | None = None
        self._w: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self._r, self._w = await asyncio.open_connection(self.host, self.port)
        sock: socket.socket = self._w.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # asyncio sets it too; checked so that a platform that does not cannot quietly add 40 ms stalls.
        if not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
            raise HttpError("TCP_NODELAY could not be set on the client socket")

    async def close(self) -> None:
        if self._w is not None:
            self._w.close()
            with contextlib.suppress(Exception):
                await self._w.wait_closed()
            self._r = self._w = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: Any = None) -> Reply:
        return await asyncio.wait_for(self._request(method, path, headers, body), REQUEST_TIMEOUT_S)

    async def _request(self, method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
        if self._w is None:
            await self.open()
        assert self._r is not None and self._w is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(data)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        head += [f"{k}: {v}" for k, v in headers.items()]
        self._w.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        raw = await self._r.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        hdrs = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        if hdrs.get("transfer-encoding", "").lower() == "chunked":
            payload = await self._chunked()
        else:
            payload = await self._r.readexactly(int(hdrs.get("content-length", "0")))
        if hdrs.get("connection", "").lower() == "close":
            await self.close()
        return Reply(status, hdrs, payload)

    async def _chunked(self) -> bytes:
        assert self._r is not None
        out = bytearray()
        while True:
            size = int((await self._r.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self._r.readexactly(size + 2)
            if size == 0:
                return bytes(out)
            out += chunk[:-2]


# --- the hall under test -------------------------------------------------------------------------------


@dataclass
class Hall:
    proc: HallProcess
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


class Watchdog:
    """Bounds the whole run. On expiry it kills the servers: every pending request then fails at once, so the
    run unwinds through its `finally` blocks (PostgreSQL stopped, temp dirs removed) instead of hanging."""

    def __init__(self) -> None:
        self.expired = threading.Event()
        self.procs: list[HallProcess] = []
        self.limit = 0
        self._timer: threading.Timer | None = None

    def arm(self, seconds: int) -> None:
        self.limit = seconds
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def check(self) -> None:
        if self.expired.is_set():
            raise TimeoutError(f"the benchmark ran past --max-seconds {self.limit}; aborted")

    def _fire(self) -> None:
        self.expired.set()
        print(f"\n--max-seconds {self.limit} reached: stopping the servers", file=sys.stderr, flush=True)
        for p in list(self.procs):
            p.kill()
        # Last resort if unwinding itself hangs.
        last = threading.Timer(60, lambda: os._exit(3))
        last.daemon = True
        last.start()


WATCHDOG = Watchdog()


@contextlib.contextmanager
def running_hall(
    workdir: Path, pg: Postgres | None, names: Iterator[int], waiting: int = 0
) -> Iterator[Hall]:
    """A fresh hall per measurement with `waiting` tickets already waiting today, so rows compare alike."""
    data = Path(tempfile.mkdtemp(prefix="hall-bench-", dir=workdir))
    config = write_config(data / "hall.toml")
    db = pg.createdb(f"hall_bench_{os.getpid()}_{next(names)}") if pg else None
    tokens = make_tokens(config, data, db)
    if waiting:
        prefill(config, data, db, waiting)
    proc = HallProcess(data, config, db)
    WATCHDOG.check()
    WATCHDOG.procs.append(proc)
    try:
        proc.start()
        yield Hall(proc, tokens)
    finally:
        proc.stop()
        WATCHDOG.procs.remove(proc)
    WATCHDOG.check()


def prefill(config_path: Path, data: Path, db: str | None, n: int) -> None:
    """Write `n` of today's waiting tickets straight into the store (untimed set-up), numbered as issued.

    They began waiting just now, so none is overdue while the benchmark runs and call-next takes the heads.
    """
    from sqlalchemy import insert

    from kiosk.config import load_config
    from kiosk.hall import policy as P
    from kiosk.hall import schema as S
    from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
    from kiosk.hall.store import database_url, open_store

    cfg = load_config(config_path)
    catalogue = load_catalogue(DEFAULT_CATALOGUE_PATH)
    now = time.time()
    day = P.business_day(now, ZoneInfo(cfg.hall.timezone), cfg.queue).isoformat()
    last = dict.fromkeys(P.Colour, 0)
    rows = []
    for i in range(n):
        body = BODIES[i % len(BODIES)]
        matter = catalogue.matter(body["matter"])
        assert matter is not None
        colour = P.choose_colour(matter.enterprise, body["green_reason"])
        last[colour] += 1
        rows.append(
            {
                "id": f"prefill{i:07d}",
                "day": day,
                "colour": colour.value,
                "number": P.format_number(colour, last[colour]),
                "matter": matter.id,
                "status": P.Status.WAITING.value,
                "green_reason": body["green_reason"],
                "appointment_id": None,
                "appointment_start": None,
                "position": float(last[colour]),
                "wait_start": now,
                "issued_at": now,
                "recalls": 0,
                "transfers": 0,
            }
        )
    store = open_store(database_url(data, db))
    try:
        with store.write.begin() as conn:
            for k in range(0, n, 5000):
                conn.execute(insert(S.tickets), rows[k : k + 5000])
            conn.execute(
                insert(S.day_sequences),
                [{"day": day, "colour": c.value, "last_number": k} for c, k in last.items() if k],
            )
        if store.dialect == "postgresql":
            # A hall that reached this queue ticket by ticket has had its statistics refreshed by autovacuum
            # many times on the way; bulk-loaded and queried at once, PostgreSQL would plan without any and
            # the run would measure that (call-next's read: 320 ms instead of 1 ms at 50,000 waiting).
            with store.write.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
    finally:
        store.dispose()


async def setup_counters(hall: Hall) -> None:
    conn = Conn("127.0.0.1", hall.proc.port)
    try:
        for i in (1, 2, 3):
            r = await conn.request(
                "PUT",
                f"/api/v1/counters/{i}",
                hall.auth("admin"),
                {
                    "window": i,
                    "name_zh": f"{i}号窗口",
                    "name_en": f"Window {i}",
                    "matters": [],
                    "groups": COUNTER_GROUPS,
                },
            )
            if r.status not in (200, 201):
                raise HttpError(f"PUT counter {i}: {r.status} {r.body[:200]!r}")
    finally:
        await conn.close()


async def issue(conn: Conn, hall: Hall, key: str, body: dict[str, Any]) -> Reply:
    r = await conn.request("POST", "/api/v1/tickets", {**hall.auth("kiosk"), "Idempotency-Key": key}, body)
    if r.status != 201:
        raise HttpError(f"issue {key}: {r.status} {r.body[:300]!r}")
    return r


# --- measurements --------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    conc: str
    n: int
    seconds: float
    lat_ms: list[float]
    cpu_s: float | None = None  # CPU of the process doing the work (the server, or this one for bare SQLite)

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    @property
    def cpu_ms(self) -> str:
        return "-" if self.cpu_s is None else f"{self.cpu_s / self.n * 1000:.2f}"

    def pct(self, p: float) -> float:
        return percentile(self.lat_ms, p)


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    # Nearest rank: the smallest sample with at least p% of the samples at or below it.
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


async def bench_issue(hall: Hall, n: int, conc: int, tag: str) -> Row:
    """Closed loop: `conc` clients, each issuing back to back on its own connection, n tickets in all."""
    seq = itertools.count()
    lat: list[float] = []

    async def client(w: int) -> None:
        conn = Conn("127.0.0.1", hall.proc.port)
        try:
            while (i := next(seq)) < n:
                t0 = time.perf_counter()
                await issue(conn, hall, f"{tag}-{i}", BODIES[i % len(BODIES)])
                lat.append((time.perf_counter() - t0) * 1000)
        finally:
            await conn.close()

    # Warm up the connections and the server's caches (token lookup, code paths) before timing.
    warm = Conn("127.0.0.1", hall.proc.port)
    for i in range(30):
        await issue(warm, hall, f"{tag}-warm-{i}", BODIES[i % len(BODIES)])
    await warm.close()
    pid = hall.proc.proc.pid if hall.proc.proc else 0
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(client(w) for w in range(conc)))
    return Row("", str(conc), n, time.perf_counter() - t0, lat, cpu_seconds(pid) - cpu0)


async def bench_cycles(hall: Hall, n: int) -> Row:
    """`n` call-next + no-show cycles at one counter, back to back; latency is call-next's alone.

    A no-show frees the counter in one request, so a cycle is the calling rule's cost plus one transition.
    """
    conn = Conn("127.0.0.1", hall.proc.port)
    lat: list[float] = []

    async def cycle() -> float:
        t0 = time.perf_counter()
        r = await conn.request("POST", "/api/v1/counters/1/call-next", hall.auth("counter"))
        took = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise HttpError(f"call-next: {r.status} {r.body[:300]!r}")
        r = await conn.request("POST", "/api/v1/counters/1/no-show", hall.auth("counter"))
        if r.status != 200:
            raise HttpError(f"no-show: {r.status} {r.body[:300]!r}")
        return took

    try:
        for _ in range(10):
            await cycle()
        pid = hall.proc.proc.pid if hall.proc.proc else 0
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        for i in range(n):
            if i % 100 == 0:
                WATCHDOG.check()
            lat.append(await cycle())
        return Row("", "1", n, time.perf_counter() - t0, lat, cpu_seconds(pid) - cpu0)
    finally:
        await conn.close()


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process so far, from /proc (fields 14 and 15 of stat(5))."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_raw_sqlite(workdir: Path, n: int) -> Row:
    """The disk's own price of a durable ticket: one INSERT+COMMIT in WAL with synchronous=FULL."""
    path = Path(tempfile.mkdtemp(prefix="raw-sqlite-", dir=workdir)) / "raw.db"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "CREATE TABLE tickets (id TEXT PRIMARY KEY, day TEXT NOT NULL, colour TEXT NOT NULL, "
            "number TEXT NOT NULL, matter TEXT NOT NULL, issued_at REAL NOT NULL, UNIQUE (day, number))"
        )
        return _raw_loop(n, lambda i: _sqlite_commit(db, i))
    finally:
        db.close()


def _sqlite_commit(db: sqlite3.Connection, i: int) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?)",
        (os.urandom(16).hex(), "2026-01-01", "blue", f"B{i + 1:03d}", "pension_enrol", time.time()),
    )
    db.execute("COMMIT")


def bench_raw_postgres(pg: Postgres, n: int) -> Row:
    import psycopg

    url = pg.createdb(f"raw_bench_{os.getpid()}")
    with psycopg.connect(url) as db:
        db.execute(
            "CREATE TABLE tickets (id TEXT PRIMARY KEY, day TEXT NOT NULL, colour TEXT NOT NULL, "
            "number TEXT NOT NULL, matter TEXT NOT NULL, issued_at DOUBLE PRECISION NOT NULL, "
            "UNIQUE (day, number))"
        )
        db.commit()

        def one(i: int) -> None:
            db.execute(
                "INSERT INTO tickets VALUES (%s, %s, %s, %s, %s, %s)",
                (os.urandom(16).hex(), "2026-01-01", "blue", f"B{i + 1:03d}", "pension_enrol", time.time()),
            )
            db.commit()

        row = _raw_loop(n, one)
    row.cpu_s = None  # the work is in the PostgreSQL server process, not measured here
    return row


def _raw_loop(n: int, one: Callable[[int], None]) -> Row:
    for i in range(20):  # warm the file and the page cache
        one(n + i)
    lat: list[float] = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(n):
        if i % 100 == 0:
            WATCHDOG.check()
        s = time.perf_counter()
        one(i)
        lat.append((time.perf_counter() - s) * 1000)
    return Row("", "1", n, time.perf_counter() - t0, lat, time.process_time() - cpu0)


@dataclass
class CallStats:
    label: str
    ws_ms: list[float]
    http_ms: list[float]
    issued_meanwhile: int
    load_seconds: float


async def bench_calls(hall: Hall, calls: int, load_rps: float) -> CallStats:
    """Time from sending call-next to the matching ticket.called event on a subscribed WebSocket."""
    from websockets.asyncio.client import connect

    port = hall.proc.port
    conn = Conn("127.0.0.1", port)
    await setup_counters(hall)
    # Enough waiting tickets that every call finds one, whatever the calling rule picks.
    for i in range(calls + 10):
        await issue(conn, hall, f"call-{load_rps}-{i}", BODIES[i % len(BODIES)])
    last_seq = (await conn.request("GET", "/api/v1/events?since=0&limit=1", hall.auth("admin"))).json()[
        "last_seq"
    ]
    arrived: dict[str, float] = {}
    news = asyncio.Event()
    url = f"ws://127.0.0.1:{port}/api/v1/events/ws?since={last_seq}&token={hall.tokens['display']}"
    stop_load = asyncio.Event()
    issued = 0

    async def watch(ws: Any) -> None:
        async for msg in ws:
            ev = json.loads(msg)
            if ev["type"] == "ticket.called":
                arrived[ev["data"]["ticket"]["id"]] = time.perf_counter()
                news.set()

    async def kiosk(k: int, kiosks: int) -> None:
        # Open loop at a fixed rate: a steady stream of residents, not a flood that saturates the server.
        nonlocal issued
        kc = Conn("127.0.0.1", port)
        period = kiosks / load_rps
        nxt = time.perf_counter()
        try:
            for j in itertools.count():
                if stop_load.is_set():
                    return
                await issue(kc, hall, f"load-{k}-{j}", BODIES[j % len(BODIES)])
                issued += 1
                nxt += period
                await asyncio.sleep(max(0.0, nxt - time.perf_counter()))
        finally:
            await kc.close()

    ws_ms: list[float] = []
    http_ms: list[float] = []
    async with connect(url, open_timeout=10, max_size=None) as ws:
        watcher = asyncio.create_task(watch(ws))
        kiosks = [asyncio.create_task(kiosk(k, 4)) for k in range(4)] if load_rps > 0 else []
        await asyncio.sleep(0.3)  # the subscription is live and the background load has settled
        t_load, issued_before = time.perf_counter(), issued
        try:
            for _ in range(calls):
                WATCHDOG.check()
                t0 = time.perf_counter()
                r = await conn.request("POST", "/api/v1/counters/1/call-next", hall.auth("counter"))
                http_ms.append((time.perf_counter() - t0) * 1000)
                if r.status != 200:
                    raise HttpError(f"call-next: {r.status} {r.body[:300]!r}")
                tid = r.json()["id"]
                deadline = t0 + 10.0
                while tid not in arrived:
                    news.clear()
                    if time.perf_counter() > deadline:
                        raise HttpError(f"no ticket.called event for {r.json()['number']} within 10 s")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(news.wait(), 1.0)
                ws_ms.append((arrived[tid] - t0) * 1000)
                # Free the counter for the next call (untimed).
                for step in ("start", "finish"):
                    r = await conn.request("POST", f"/api/v1/counters/1/{step}", hall.auth("counter"))
                    if r.status != 200:
                        raise HttpError(f"{step}: {r.status} {r.body[:300]!r}")
        finally:
            load_s, issued_during = time.perf_counter() - t_load, issued - issued_before
            stop_load.set()
            await asyncio.gather(*kiosks, return_exceptions=True)
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await conn.close()
    label = "idle" if load_rps <= 0 else f"kiosks issuing {load_rps:.0f}/s"
    return CallStats(label, ws_ms, http_ms, issued_during, load_s)


# --- report ----------------------------------------------------------------------------------------------


def machine(workdir: Path) -> list[str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    fs = "?"
    with contextlib.suppress(OSError):
        best = ""
        for line in Path("/proc/mounts").read_text().splitlines():
            dev, mnt, kind = line.split()[:3]
            if str(workdir.resolve()).startswith(mnt) and len(mnt) >= len(best):
                best, fs = mnt, f"{kind} on {dev} (mounted at {mnt})"
    loops = []
    for mod in ("uvloop", "httptools"):
        with contextlib.suppress(ImportError):
            __import__(mod)
            loops.append(mod)
    return [
        f"machine: nproc {len(os.sched_getaffinity(0))} (cpu_count {os.cpu_count()}), "
        f"{model or platform.machine()}",
        f"python {platform.python_version()} ({sys.executable}), sqlite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.release()}",
        f"data dir {workdir} : {fs}",
        f"server: uvicorn, one process ({', '.join(loops) or 'asyncio, h11'}); client in this process, "
        "same cores",
    ]


@dataclass
class Level:
    """One queue length on one database: issue at concurrency 1 and N, and call-next cycles."""

    waiting: int
    issue1: Row
    issue_n: Row
    cycles: Row


def level_table(backend: str, raw: Row, levels: list[Level]) -> list[str]:
    empty = levels[0]
    out = [
        f"{backend}: baseline, bare durable INSERT+COMMIT on the same disk, 1 conn: {raw.rate:.0f}/s, "
        f"p50 {raw.pct(50):.2f} ms",
        f"{'waiting':>8} | {'issue c1 p50':>12} {'x empty':>7} {'CPU ms/t':>8} | {'issue':>6} {'t/s':>6} "
        f"{'x commit':>8} {'CPU ms/t':>8} | {'call p50':>8} {'x empty':>7} {'cycles/s':>8} {'CPU ms/c':>8}",
        "-" * 118,
    ]
    for lv in levels:
        i1, i_n, cy = lv.issue1, lv.issue_n, lv.cycles
        ratio = i1.pct(50) / empty.issue1.pct(50)
        out.append(
            f"{lv.waiting:>8} | {i1.pct(50):>9.2f} ms {ratio:>7.2f} {i1.cpu_ms:>8} | "
            f"{'c' + i_n.conc:>6} {i_n.rate:>6.0f} {i_n.rate / raw.rate:>8.2f} {i_n.cpu_ms:>8} | "
            f"{cy.pct(50):>5.2f} ms {cy.pct(50) / empty.cycles.pct(50):>7.2f} {cy.rate:>8.0f} {cy.cpu_ms:>8}"
        )
    longest = levels[-1]
    if longest.waiting > empty.waiting:
        ri = longest.issue1.pct(50) / empty.issue1.pct(50)
        rc = longest.cycles.pct(50) / empty.cycles.pct(50)
        verdict = "MET" if max(ri, rc) <= FLAT_LIMIT else "NOT MET"
        out.append(
            f"flat in the queue length (p50 with {longest.waiting:,} waiting <= {FLAT_LIMIT}x the empty "
            f"queue's): {verdict} (issue {ri:.2f}x, call-next {rc:.2f}x)"
        )
        cpu = [
            (a.cpu_s / a.n) / (b.cpu_s / b.n)
            for a, b in ((longest.issue1, empty.issue1), (longest.cycles, empty.cycles))
            if a.cpu_s and b.cpu_s
        ]
        if len(cpu) == 2:
            # CPU time is less at the mercy of other processes on the machine than latency is.
            out.append(
                f"server CPU with {longest.waiting:,} waiting: issue {cpu[0]:.2f}x, call-next cycle "
                f"{cpu[1]:.2f}x the empty queue's"
            )
    best = max((lv.issue_n for lv in levels), key=lambda r: r.rate)
    if best.cpu_s:
        cpu = best.cpu_s / best.n * 1000
        out.append(
            f"CPU ms/t, ms/c: CPU of the serving process (all threads) per ticket, per call-next + no-show "
            f"cycle. At {cpu:.2f} ms a ticket one core (the GIL's limit) tops out near {1000 / cpu:.0f}/s."
        )
    return out


def call_table(stats: list[CallStats]) -> list[str]:
    out = [
        f"{'call-next -> ticket.called on WebSocket':<40} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'HTTP p50':>9} {'HTTP p95':>9}",
        "-" * 104,
    ]
    for s in stats:
        label = s.label
        if s.issued_meanwhile:
            label += f" (got {s.issued_meanwhile / s.load_seconds:.0f}/s)"
        out.append(
            f"{label:<40} {len(s.ws_ms):>6} {percentile(s.ws_ms, 50):>8.2f} {percentile(s.ws_ms, 95):>8.2f} "
            f"{percentile(s.ws_ms, 99):>8.2f} {max(s.ws_ms):>8.2f} {percentile(s.http_ms, 50):>9.2f} "
            f"{percentile(s.http_ms, 95):>9.2f}"
        )
    worst = max(percentile(s.ws_ms, 95) for s in stats)
    out.append("")
    out.append(
        f"target p95 < {CALL_TARGET_P95_MS:.0f} ms (design §7): "
        f"{'MET' if worst < CALL_TARGET_P95_MS else 'NOT MET'} (worst p95 {worst:.2f} ms). The event is "
        "measured from the call-next request leaving the client, so it includes the commit."
    )
    return out


# --- main ------------------------------------------------------------------------------------------------


async def run_backend(args: argparse.Namespace, workdir: Path, pg: Postgres | None) -> list[str]:
    backend = "PostgreSQL" if pg else "SQLite"
    names = itertools.count(1)
    print(f"{backend}: bare commit baseline ({args.n} commits) ...", flush=True)
    raw = bench_raw_postgres(pg, args.n) if pg else bench_raw_sqlite(workdir, args.n)
    levels: list[Level] = []
    for waiting in args.waiting:
        print(f"{backend}, {waiting} waiting: issue at concurrency 1 and {args.concurrency} ...", flush=True)
        with running_hall(workdir, pg, names, waiting) as hall:
            await setup_counters(hall)
            issue1 = await bench_issue(hall, args.n, 1, f"w{waiting}c1")
            issue_n = await bench_issue(hall, args.n, args.concurrency, f"w{waiting}cn")
            print(f"{backend}, {waiting} waiting: {args.calls} call-next + no-show cycles ...", flush=True)
            cycles = await bench_cycles(hall, args.calls)
        levels.append(Level(waiting, issue1, issue_n, cycles))
    trips_db = (
        pg.createdb(f"hall_trips_{os.getpid()}")
        if pg
        else f"sqlite:///{Path(tempfile.mkdtemp(prefix='trips-', dir=workdir)) / 'hall.db'}"
    )
    trips = round_trip_table(backend, hall_round_trips(database_url(None, trips_db) if pg else trips_db))
    calls: list[CallStats] = []
    for load in (0.0, args.load_rps):
        print(f"{backend}: {args.calls} calls to the WebSocket, issue load {load:.0f}/s ...", flush=True)
        with running_hall(workdir, pg, names) as hall:
            calls.append(await bench_calls(hall, args.calls, load))
    return [*level_table(backend, raw, levels), "", *trips, "", *call_table(calls)]


def round_trip_table(backend: str, trips: dict[str, list[str]]) -> list[str]:
    """Statements per request (BEGIN and COMMIT included): on PostgreSQL each is a round trip."""
    out = [f"{backend}: statements per request (each a round trip on PostgreSQL), counted, not timed"]
    for name, seen in trips.items():
        out.append(f"  {name:<10} {len(seen):>2}  {' '.join(seen)}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer requests per row (about a minute in all)")
    ap.add_argument("--n", type=int, default=None, help="tickets per issue row (default 2000, quick 300)")
    ap.add_argument("--concurrency", type=int, default=16, help="clients of the second issue row (16)")
    ap.add_argument("--calls", type=int, default=None, help="call-next cycles a row (300, quick 100)")
    ap.add_argument(
        "--waiting", default="0,5000,50000", help="queue lengths, comma-separated; the first is the baseline"
    )
    ap.add_argument(
        "--load-rps",
        type=float,
        default=50.0,
        help="background issue rate during the second WebSocket call run (default 50/s)",
    )
    ap.add_argument("--db", choices=("both", "sqlite", "postgres"), default="both")
    ap.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where the databases go (default: the system temp dir); pick the disk you deploy on",
    )
    ap.add_argument(
        "--max-seconds", type=int, default=900, help="abort the whole run after this (default 900)"
    )
    args = ap.parse_args()
    args.n = args.n or (300 if args.quick else 2000)
    args.calls = args.calls or (100 if args.quick else 300)
    args.waiting = [int(w) for w in args.waiting.split(",") if w.strip()]
    if args.calls < 1 or args.n < 1 or args.concurrency < 1 or not args.waiting:
        ap.error("--n, --calls, --concurrency and --waiting must be positive")

    WATCHDOG.arm(args.max_seconds)
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    workdir = Path(tempfile.mkdtemp(prefix="hall-bench-", dir=args.dir))
    started = time.perf_counter()
    lines: list[str] = []
    try:
        for backend in ("sqlite", "postgres"):
            if args.db not in ("both", backend):
                continue
            with contextlib.ExitStack() as stack:
                pg = stack.enter_context(postgres_server()) if backend == "postgres" else None
                lines += [*asyncio.run(run_backend(args, workdir, pg)), ""]
    except Exception as exc:
        if not WATCHDOG.expired.is_set():
            raise
        # What failed was only the fallout of stopping the servers; the cause is the time limit.
        print(
            f"aborted: the run passed --max-seconds {args.max_seconds} ({type(exc).__name__} while "
            "unwinding); no results",
            file=sys.stderr,
        )
        return 2
    finally:
        WATCHDOG.disarm()
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    for line in machine(workdir.parent):
        print(line)
    print(f"run took {time.perf_counter() - started:.0f} s")
    print()
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
