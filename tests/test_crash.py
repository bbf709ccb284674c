"""Crash consistency (design §7): kill -9 the back office at random moments while kiosks issue tickets.

Each kiosk follows its contract: a transport error or a 5xx is retried with the *same* Idempotency-Key
and body until a 201 arrives. Afterwards no acknowledged ticket may be lost, no number may be issued twice
in a day, no key may have produced two tickets, and the numbers of each colour must run 1..N without a
gap: a ticket whose commit landed but whose response was lost is replayed on retry, and one that did not
commit leaves no trace (its number bump rolls back with it), so nothing can leave a hole.

Set HALL_CRASH_SEED to replay a run; the seed is printed (pytest -s) and named in every failure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from kiosk.hall.store import database_url
from tests.support import Api, HallProcess

pytestmark = pytest.mark.slow
HallFactory = Callable[..., tuple[HallProcess, Api]]  # the make_hall fixture of conftest

ROUNDS = {"sqlite": 20, "postgres": 8}
KIOSKS = 4
# Blue, yellow (enterprise matter) and green (priority declared or by age) in roughly a hall's mix.
BODIES: list[tuple[str, str | None]] = [
    ("pension_enrol", None),
    ("ss_card_apply", None),
    ("pension_claim", None),
    ("employer_social_insurance_registration", None),
    ("pension_enrol", "age"),
    ("ss_card_replace", "pregnancy"),
    ("employer_social_insurance_registration", "disability"),
]
# One key is retried for at most this long; past it the back office counts as down for good.
KEY_DEADLINE_S = 60.0


@dataclass(frozen=True)
class Ack:
    key: str
    matter: str
    green_reason: str | None
    ticket_id: str
    number: str
    colour: str
    day: str
    attempts: int
    replayed: bool


@dataclass
class KioskLog:
    acks: list[Ack] = field(default_factory=list)
    transport_errors: int = 0
    server_errors: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


class Kiosk(threading.Thread):
    """One kiosk: issues tickets back to back and never gives up on a key until it is acknowledged."""

    def __init__(self, idx: int, base: str, token: str, seed: int, stop: threading.Event) -> None:
        super().__init__(name=f"kiosk-{idx}", daemon=True)
        self.idx = idx
        self.base = base
        self.token = token
        self.rng = random.Random(seed)
        self.stop = stop
        self.log = KioskLog()

    def run(self) -> None:
        # A short connect timeout: while the server is down, a refused or hanging connect should just retry.
        with httpx.Client(base_url=self.base + "/api/v1", timeout=httpx.Timeout(10.0, connect=2.0)) as http:
            n = 0
            while not self.stop.is_set() and not self.log.failures:
                n += 1
                matter, reason = self.rng.choice(BODIES)
                self._until_acknowledged(
                    http, f"crash-{self.idx}-{n}-{self.rng.getrandbits(48):x}", matter, reason
                )

    def _until_acknowledged(self, http: httpx.Client, key: str, matter: str, reason: str | None) -> None:
        body = {"matter": matter, "green_reason": reason, "appointment": None}
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        deadline = time.monotonic() + KEY_DEADLINE_S
        attempts = 0
        while time.monotonic() < deadline:
            attempts += 1
            try:
                r = http.post("/tickets", json=body, headers=headers)
            except httpx.TransportError:
                self.log.transport_errors += 1
                time.sleep(0.02)
                continue
            if r.status_code >= 500:
                self.log.server_errors[f"{r.status_code} {_code(r)}"] += 1
                time.sleep(0.02)
                continue
            if r.status_code != 201:
                self.log.failures.append(f"key {key}: {r.status_code} {r.text[:300]}")
                return
            t = r.json()
            self.log.acks.append(
                Ack(
                    key,
                    matter,
                    reason,
                    t["id"],
                    t["number"],
                    t["colour"],
                    t["day"],
                    attempts,
                    r.headers.get("Idempotent-Replayed") == "true",
                )
            )
            return
        self.log.failures.append(f"key {key}: no 201 within {KEY_DEADLINE_S}s of retrying")


def _code(r: httpx.Response) -> str:
    try:
        return str(r.json().get("code"))
    except ValueError:
        return "non-json"


def _all_events(api: Api) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    since = 0
    while True:
        r = api.get("/events", "admin", params={"since": since, "limit": 500})
        assert r.status_code == 200, r.text
        page = r.json()["events"]
        if not page:
            return events
        events.extend(page)
        since = page[-1]["seq"]


def _number(n: str) -> int:
    return int(n[1:])


def _gaps(numbers: dict[tuple[str, str], list[int]]) -> dict[tuple[str, str], str]:
    """(day, colour) whose numbers are not exactly 1..N, with what is missing or doubled."""
    bad: dict[tuple[str, str], str] = {}
    for k, ns in numbers.items():
        if sorted(ns) != list(range(1, len(ns) + 1)):
            missing = sorted(set(range(1, max(ns) + 1)) - set(ns))
            doubled = sorted(n for n, c in Counter(ns).items() if c > 1)
            bad[k] = f"{len(ns)} tickets, max {max(ns)}, missing {missing[:20]}, doubled {doubled[:20]}"
    return bad


def test_kill9_while_issuing(make_hall: HallFactory, backend: str) -> None:
    seed = int(os.environ.get("HALL_CRASH_SEED") or random.SystemRandom().getrandbits(32))
    print(f"\ncrash test on {backend}: seed {seed} (rerun with HALL_CRASH_SEED={seed})")
    rng = random.Random(seed)
    proc, api = make_hall()
    stop = threading.Event()
    kiosks = [Kiosk(i, proc.url, api.tokens["kiosk"], rng.getrandbits(32), stop) for i in range(KIOSKS)]
    started = time.monotonic()
    startup_kills = 0
    for k in kiosks:
        k.start()
    try:
        startup_kills = _crash_loop(proc, kiosks, rng, ROUNDS[backend], seed)
    finally:
        stop.set()
        for k in kiosks:
            k.join(KEY_DEADLINE_S + 15)
    crash_s = time.monotonic() - started
    assert not any(k.is_alive() for k in kiosks), f"seed {seed}: a kiosk thread hung"

    logs = [k.log for k in kiosks]
    failures = [f for lg in logs for f in lg.failures]
    acks = [a for lg in logs for a in lg.acks]
    errors5xx = sum((lg.server_errors for lg in logs), Counter[str]())
    retried = [a for a in acks if a.attempts > 1]
    replays = sum(a.replayed for a in retried)
    print(
        f"{ROUNDS[backend]} kills (+{startup_kills} while starting) in {crash_s:.1f}s: {len(acks)} tickets "
        f"acknowledged, {len(retried)} after retries ({replays} replays of a commit whose reply was lost), "
        f"{sum(lg.transport_errors for lg in logs)} transport errors, 5xx: {dict(errors5xx) or 'none'}"
    )
    assert not failures, f"seed {seed}: kiosks gave up or were refused:\n" + "\n".join(failures[:20])
    # A 503 store_unavailable is the contract for "try again"; a 500 is a bug whatever the crash did.
    assert not [c for c in errors5xx if not c.startswith("503")], f"seed {seed}: server errors {errors5xx}"
    assert len(acks) >= 50, f"seed {seed}: too few tickets acknowledged ({len(acks)}) to mean anything"

    _check_api(api, acks, seed)
    _check_database(proc, acks, seed)


def _crash_loop(proc: HallProcess, kiosks: list[Kiosk], rng: random.Random, rounds: int, seed: int) -> int:
    """Kill and restart `rounds` times; returns how many extra kills landed while the server was starting."""
    startup_kills = 0
    for i in range(rounds):
        # Mostly kill while the retry storm of the last restart is being absorbed (the server is busiest
        # and replays are likeliest then), sometimes after a longer steady stretch.
        time.sleep(rng.uniform(0.0, 0.15) if rng.random() < 0.5 else rng.uniform(0.15, 1.2))
        if any(k.log.failures for k in kiosks):
            break
        proc.kill()
        if rng.random() < 0.25:
            # Also die part-way through starting: migration check, housekeeping, first requests.
            with contextlib.suppress(RuntimeError):
                proc.start(timeout=rng.uniform(0.1, 1.0))
            assert proc.proc is not None
            if proc.proc.poll() is not None:
                pytest.fail(
                    f"seed {seed}: start {i + 1} exited with {proc.proc.returncode}:\n{proc.log()[-3000:]}"
                )
            proc.kill()
            startup_kills += 1
        try:
            proc.start()
        except RuntimeError as exc:
            pytest.fail(f"seed {seed}: restart {i + 1} failed: {exc}")
    # A steady stretch after the last restart, so every pending retry lands on a running server.
    time.sleep(0.5)
    return startup_kills


def _check_api(api: Api, acks: list[Ack], seed: int) -> None:
    by_id = {a.ticket_id: a for a in acks}
    # (c) Two keys never share a ticket, and each key was acknowledged once.
    assert len(by_id) == len(acks), f"seed {seed}: two keys were given the same ticket"
    assert len({a.key for a in acks}) == len(acks)

    # (a) Every acknowledged ticket exists, with the number, colour and day the kiosk printed.
    lost = []
    for a in acks:
        r = api.get(f"/tickets/{a.ticket_id}")
        t = r.json() if r.status_code == 200 else {}
        if (t.get("number"), t.get("colour"), t.get("day")) != (a.number, a.colour, a.day):
            now = f"{r.status_code} {r.text[:200]}"
            lost.append(f"{a.key}: acknowledged {a.number} {a.colour} {a.day}, now {now}")
    listing = "\n".join(lost[:20])
    assert not lost, f"seed {seed}: {len(lost)} acknowledged tickets lost or changed:\n{listing}"

    events = _all_events(api)
    # (e) The stream is in order, each event once.
    seqs = [e["seq"] for e in events]
    assert all(b > a for a, b in itertools.pairwise(seqs)), f"seed {seed}: event seqs not increasing"
    issued = [e["data"]["ticket"] for e in events if e["type"] == "ticket.issued"]

    # (c) Retries were replayed, not issued again: exactly one ticket.issued per acknowledged key.
    unacked = [t for t in issued if t["id"] not in by_id]
    assert not unacked, (
        f"seed {seed}: {len(unacked)} tickets issued that no kiosk was given (a retry issued a second "
        f"ticket?): {[t['number'] for t in unacked[:20]]}"
    )
    assert len(issued) == len(acks), f"seed {seed}: {len(issued)} ticket.issued events for {len(acks)} keys"
    assert {t["id"] for t in issued} == set(by_id)

    # (b) No number twice in a day; (d) each colour's numbers run 1..N with no hole.
    per_day = Counter((by_id[t["id"]].day, t["number"]) for t in issued)
    dups = {k: n for k, n in per_day.items() if n > 1}
    assert not dups, f"seed {seed}: numbers issued twice (API): {dups}"
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for t in issued:
        assert t["number"] == by_id[t["id"]].number
        numbers[(by_id[t["id"]].day, t["colour"])].append(_number(t["number"]))
    assert not (bad := _gaps(numbers)), f"seed {seed}: numbering not 1..N (API): {bad}"

    # A retry long after the crash (say a kiosk that lost power) still gets its ticket back, not a new one.
    for a in random.Random(seed).sample(acks, min(100, len(acks))):
        r = api.issue(a.matter, a.green_reason, key=a.key)
        assert r.status_code == 201 and r.headers.get("Idempotent-Replayed") == "true", r.text
        assert (r.json()["id"], r.json()["number"]) == (a.ticket_id, a.number)


def _check_database(proc: HallProcess, acks: list[Ack], seed: int) -> None:
    """The same facts read straight from the store, so an API bug cannot hide a storage one."""
    engine = create_engine(database_url(proc.data_dir, proc.db))
    try:
        with engine.connect() as conn:
            dups = conn.execute(
                text("SELECT day, number, count(*) FROM tickets GROUP BY 1, 2 HAVING count(*) > 1")
            ).all()
            assert not dups, f"seed {seed}: numbers issued twice (database): {dups[:20]}"
            rows = conn.execute(text("SELECT id, day, colour, number FROM tickets")).all()
            assert {r.id for r in rows} == {a.ticket_id for a in acks}, (
                f"seed {seed}: the tickets table holds {len(rows)} tickets for {len(acks)} acknowledged keys"
            )
            numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
            for r in rows:
                numbers[(r.day, r.colour)].append(_number(r.number))
            assert not (bad := _gaps(numbers)), f"seed {seed}: numbering not 1..N (database): {bad}"
            # The per-day counter agrees with the tickets, so the next number after a restart is N+1.
            counters = {
                (r.day, r.colour): r.last_number
                for r in conn.execute(text("SELECT day, colour, last_number FROM day_sequences"))
            }
            assert counters == {k: len(v) for k, v in numbers.items()}, f"seed {seed}: {counters}"
            keys = conn.execute(text("SELECT count(*) FROM idempotency")).scalar_one()
            assert keys == len(acks), f"seed {seed}: {keys} idempotency records for {len(acks)} keys"
            n_issued, n_seq, max_seq = conn.execute(
                text(
                    "SELECT sum(CASE WHEN type = 'ticket.issued' THEN 1 ELSE 0 END), count(DISTINCT seq), "
                    "max(seq) FROM events"
                )
            ).one()
            assert n_issued == len(acks), f"seed {seed}: {n_issued} ticket.issued rows for {len(acks)} keys"
            assert n_seq > 0 and max_seq >= n_seq
    finally:
        engine.dispose()
