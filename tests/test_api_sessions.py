"""Tokens end when they are revoked, wherever they are in use; logout is for staff sessions; no token is
ever written to a log. Against a real back office on loopback."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
import websockets

from tests.conftest import HallFactory
from tests.support import ROOT, Api, HallProcess
from tests.test_api import SOCIAL, setup_counters
from tests.test_staff import add_staff

CLOSE_WITHIN_S = 1.0


def cli(proc: HallProcess, *args: str) -> None:
    where = [
        "--data",
        str(proc.data_dir),
        "--config",
        str(proc.config),
        *(["--db", proc.db] if proc.db else []),
    ]
    cmd = [sys.executable, "-m", "kiosk", *args[:2], *where, *args[2:]]
    subprocess.run(cmd, capture_output=True, cwd=ROOT, timeout=60, check=True)


def login(api: Api, username: str, password: str) -> str:
    r = api.post("/auth/login", json={"username": username, "password": password, "counter": "c1"})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def seconds_to_close(proc: HallProcess, api: Api, token: str, end: Callable[[], None]) -> float:
    """Seconds from `end()` returning until the server closes a live event stream opened with `token`."""

    async def run() -> float:
        url = (
            proc.url.replace("http", "ws")
            + f"/api/v1/events/ws?since={api.get('/health').json()['last_seq']}"
        )
        async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, lambda: api.issue(SOCIAL))
            await asyncio.wait_for(ws.recv(), 5)  # the stream is live
            await loop.run_in_executor(None, end)
            ended = time.monotonic()
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
            return time.monotonic() - ended

    return asyncio.run(run())


def test_event_stream_closes_when_its_token_ends(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    setup_counters(api)
    assert add_staff(proc, "wangfang", "王芳", "correct horse 7").returncode == 0
    assert add_staff(proc, "lina", "李娜", "correct horse 8").returncode == 0

    session = login(api, "wangfang", "correct horse 7")
    logout = seconds_to_close(
        proc,
        api,
        session,
        lambda: api.http.post("/auth/logout", headers={"Authorization": f"Bearer {session}"}),
    )
    other = login(api, "lina", "correct horse 8")
    disabled = seconds_to_close(proc, api, other, lambda: cli(proc, "staff", "disable", "lina"))
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "token",
            "list",
            "--data",
            str(proc.data_dir),
            "--config",
            str(proc.config),
        ]
        + (["--db", proc.db] if proc.db else []),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    ).stdout
    display_id = next(line.split()[0] for line in listing.splitlines() if "test display" in line)
    revoked = seconds_to_close(
        proc, api, api.tokens["display"], lambda: cli(proc, "token", "revoke", display_id)
    )
    print(f"stream closed after logout {logout:.2f} s, disable {disabled:.2f} s, revoke {revoked:.2f} s")
    assert max(logout, disabled, revoked) < CLOSE_WITHIN_S, (logout, disabled, revoked)


def test_logout_ends_staff_sessions_only(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    setup_counters(api)
    for role in ("kiosk", "display", "technician", "admin", "counter"):
        r = api.post("/auth/logout", role)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", (role, r.text)
    time.sleep(2.2)  # past the token cache: a revoked device token would now be refused
    assert api.issue(SOCIAL).status_code == 201
    assert api.get("/staff", "admin").status_code == 200
    assert add_staff(proc, "wangfang", "王芳", "correct horse 7").returncode == 0
    session = {"Authorization": f"Bearer {login(api, 'wangfang', 'correct horse 7')}"}
    assert api.http.post("/auth/logout", headers=session).status_code == 204
    assert api.http.post("/counters/c1/call-next", headers=session).status_code == 401


def test_tokens_never_reach_the_log(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    token = api.tokens["display"]

    async def stream() -> None:
        url = proc.url.replace("http", "ws") + f"/api/v1/events/ws?since=0&token={token}"
        async with websockets.connect(url):
            pass
        refused = proc.url.replace("http", "ws") + "/api/v1/events/ws?token=hq_not_a_real_token_but_secret"
        async with websockets.connect(refused) as ws:
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)

    asyncio.run(stream())
    api.http.get(f"/events?token={token}", headers={"Authorization": f"Bearer {token}"})
    time.sleep(0.3)
    log = proc.log()
    assert "/api/v1/events/ws" in log, log  # the connection is logged, its token is not
    assert token not in log and token[3:20] not in log and "hq_not_a_real" not in log, log
