"""Staff accounts: counter logins with their own passwords, expiring sessions, guessing slowed, audit."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

import pytest

from tests.conftest import HallFactory
from tests.support import ROOT
from tests.test_api import SOCIAL, setup_counters


def add_staff(proc, username: str, name: str, password: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    cmd = [
        sys.executable,
        "-m",
        "kiosk",
        "staff",
        "add",
        "--data",
        str(proc.data_dir),
        "--config",
        str(proc.config),
        "--username",
        username,
        "--name",
        name,
        "--password-stdin",
        *(["--db", proc.db] if proc.db else []),
    ]
    return subprocess.run(cmd, input=password + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_counter_login_session_and_audit(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    setup_counters(api)
    made = add_staff(proc, "wangfang", "王芳", "correct horse 7")
    assert made.returncode == 0, made.stderr
    assert add_staff(proc, "wangfang", "王芳", "another pass 8").returncode == 1  # exists

    bad = api.post("/auth/login", json={"username": "wangfang", "password": "wrong password"})
    assert bad.status_code == 401 and bad.json()["code"] == "bad_credentials"
    unknown = api.post("/auth/login", json={"username": "nobody", "password": "whatever1"})
    assert unknown.status_code == 401 and unknown.json()["message"] == bad.json()["message"]

    r = api.post("/auth/login", json={"username": "WangFang", "password": "correct horse 7", "counter": "c1"})
    assert r.status_code == 200, r.text
    session = r.json()
    assert session["role"] == "counter" and session["name"] == "王芳" and session["token"].startswith("hs_")
    staff = {"Authorization": f"Bearer {session['token']}"}

    api.issue(SOCIAL)
    called = api.http.post("/counters/c1/call-next", headers=staff)
    assert called.status_code == 200
    events = api.get("/events", "display").json()["events"]
    call = next(e for e in events if e["type"] == "ticket.called")
    assert call["data"]["by"] == {"name": "王芳", "role": "counter"}
    assert any(e["type"] == "counter.login" and e["data"]["staff"] == "王芳" for e in events)
    issued = next(e for e in events if e["type"] == "ticket.issued")
    assert issued["data"]["by"] == {"name": "test kiosk", "role": "kiosk"}

    # Staff may not do an admin's work with their session.
    assert api.http.get("/staff", headers=staff).status_code == 403
    assert [s["username"] for s in api.get("/staff", "admin").json()] == ["wangfang"]

    assert api.http.post("/auth/logout", headers=staff).status_code == 204
    time.sleep(2.2)  # the token cache holds a known token for up to 2 s; after that the session is gone
    assert api.http.post("/counters/c1/start", headers=staff).status_code == 401


def test_guessing_is_slowed(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    assert add_staff(proc, "li", "李明", "sesame open 9").returncode == 0
    for _ in range(5):
        assert api.post("/auth/login", json={"username": "li", "password": "guess guess"}).status_code == 401
    r = api.post("/auth/login", json={"username": "li", "password": "sesame open 9"})
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts" and r.json()["message_zh"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_counter_no_show_list_and_policy(make_hall: HallFactory) -> None:
    _, api = make_hall()
    setup_counters(api)
    t = api.issue(SOCIAL).json()
    api.post("/counters/c1/call-next", "counter")
    api.post("/counters/c1/no-show", "counter")
    listed = api.get("/counters/c1/tickets?status=no_show", "counter").json()
    assert [x["id"] for x in listed] == [t["id"]] and listed[0]["status"] == "no_show"
    assert api.get("/counters/c1/tickets?status=bogus", "counter").json()["code"] == "invalid_request"
    assert api.get("/catalogue").json()["policy"]["max_recalls"] == 2


def test_session_tokens_expire() -> None:
    from kiosk.config import load_config
    from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
    from kiosk.hall.service import HallService
    from kiosk.hall.service.staff import SESSION_S
    from kiosk.hall.store import open_store

    now = [1_800_000_000.0]
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/hall.db")
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store, clock=lambda: now[0])
    try:
        svc.create_staff("zhao", "赵磊", "long enough 1")
        token = svc.login("zhao", "long enough 1")["token"]
        assert svc.authenticate(token) is not None
        now[0] += SESSION_S + 1
        svc.forget_cached_tokens()
        assert svc.authenticate(token) is None
    finally:
        svc.close()
        store.dispose()
