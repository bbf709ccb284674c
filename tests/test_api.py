"""The local API against a real back-office process on loopback, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import websockets

from tests.conftest import HallFactory
from tests.support import ROOT, Api

SOCIAL = "pension_enrol"  # counter group "social", not enterprise → blue
SOCIAL_2 = "medical_enrol"
ENTERPRISE = "employer_social_insurance_registration"  # enterprise → yellow
RESIDENCE = "residence_permit_apply"


def setup_counters(api: Api) -> None:
    r = api.put(
        "/counters/c1",
        "admin",
        json={"window": 1, "name_zh": "一号窗口", "name_en": "Window 1", "groups": ["social"]},
    )
    assert r.status_code == 201, r.text
    r = api.put(
        "/counters/c2",
        "admin",
        json={
            "window": 2,
            "name_zh": "二号窗口",
            "name_en": "Window 2",
            "groups": ["enterprise"],
            "matters": [SOCIAL],
        },
    )
    assert r.status_code == 201, r.text


def event_types(api: Api, since: int = 0) -> list[str]:
    return [e["type"] for e in api.get(f"/events?since={since}", "display").json()["events"]]


def last_seq(api: Api) -> int:
    return int(api.get("/health").json()["last_seq"])


def test_catalogue_matters_exist(make_hall: HallFactory) -> None:
    _, api = make_hall()
    cat = api.get("/catalogue").json()
    ids = {m["id"]: m for c in cat["categories"] for m in c["matters"]}
    assert len(ids) >= 30
    assert ids[ENTERPRISE]["colour"] == "yellow" and ids[SOCIAL]["colour"] == "blue"
    assert ids[SOCIAL]["materials_zh"] and ids[SOCIAL]["id_required"] is True
    assert cat["green_age"] == 60


def test_issue_numbering_colours_and_public_view(make_hall: HallFactory) -> None:
    _, api = make_hall()
    setup_counters(api)
    b1 = api.issue(SOCIAL)
    assert b1.status_code == 201, b1.text
    body = b1.json()
    assert (body["number"], body["colour"], body["matter"], body["status"]) == (
        "B001",
        "blue",
        SOCIAL,
        "waiting",
    )
    assert body["waiting_ahead"] == 0 and isinstance(body["estimated_wait_s"], int)
    assert api.issue(SOCIAL).json()["number"] == "B002"
    y = api.issue(ENTERPRISE).json()
    assert (y["number"], y["colour"]) == ("Y001", "yellow")
    # Priority follows the person: green wins even for an enterprise matter.
    g = api.issue(ENTERPRISE, green_reason="military").json()
    assert (g["number"], g["colour"]) == ("G001", "green")
    b3 = api.issue(SOCIAL).json()
    # c1 serves SOCIAL only with B001, B002 ahead; c2 serves it too, with the green and yellow before blue.
    assert b3["waiting_ahead"] >= 2 and b3["estimated_wait_s"] > 0

    public = api.get(f"/tickets/{g['id']}")  # no token: the QR code's view
    assert public.status_code == 200
    assert "green_reason" not in public.json() and "military" not in public.text
    page = api.http.get(api.base + f"/t/{g['id']}")
    assert page.status_code == 200 and "G001" in page.text and "military" not in page.text
    assert api.get("/tickets/not-a-ticket").json()["code"] == "unknown_ticket"


def test_idempotency(make_hall: HallFactory) -> None:
    _, api = make_hall()
    first = api.issue(SOCIAL, key="kiosk-1-000042")
    again = api.issue(SOCIAL, key="kiosk-1-000042")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert event_types(api).count("ticket.issued") == 1
    other = api.issue(SOCIAL_2, key="kiosk-1-000042")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    missing = api.post("/tickets", "kiosk", json={"matter": SOCIAL})
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"


def test_auth_roles(make_hall: HallFactory) -> None:
    _, api = make_hall()
    no_token = api.http.post("/tickets", json={"matter": SOCIAL}, headers={"Idempotency-Key": "x"})
    assert no_token.status_code == 401 and no_token.json()["code"] == "unauthenticated"
    bad = api.http.post(
        "/tickets",
        json={"matter": SOCIAL},
        headers={"Idempotency-Key": "x", "Authorization": "Bearer hq_nope"},
    )
    assert bad.status_code == 401
    wrong_role = api.post("/tickets", "display", json={"matter": SOCIAL}, headers={"Idempotency-Key": "x"})
    assert wrong_role.status_code == 403 and wrong_role.json()["code"] == "forbidden"
    mutating = [
        ("PUT", "/counters/c9", {"window": 9, "name_zh": "九", "name_en": "9"}),
        ("DELETE", "/counters/c9", None),
        ("POST", "/counters/c9/call-next", None),
        ("POST", "/counters/c9/call", {"ticket": "x"}),
        ("POST", "/counters/c9/recall", None),
        ("POST", "/counters/c9/no-show", None),
        ("POST", "/counters/c9/start", None),
        ("POST", "/counters/c9/finish", None),
        ("POST", "/counters/c9/transfer", {"matter": SOCIAL}),
        ("POST", "/counters/c9/pause", None),
        ("POST", "/counters/c9/resume", None),
        ("POST", "/tickets/x/cancel", None),
        ("POST", "/tickets/x/reinstate", None),
        ("POST", "/tickets/x/rating", {"level": 5}),
        (
            "POST",
            "/appointments",
            {
                "matter": SOCIAL,
                "slot_start": "2030-01-01T09:00:00+08:00",
                "slot_end": "2030-01-01T09:30:00+08:00",
            },
        ),
        ("POST", "/appointments/x/check-in", None),
        ("POST", "/devices/k1/status", {"kind": "printer", "status": "ok"}),
    ]
    for method, path, body in mutating:
        r = api.request(method, path, json=body)
        assert r.status_code == 401, (method, path, r.status_code)
        r = api.request(
            method,
            path,
            "display" if "rating" not in path and "devices" not in path else "technician",
            json=body,
        )
        if "devices" in path:
            continue  # technicians may report devices
        assert r.status_code == 403, (method, path, r.status_code, r.text)
    assert api.get("/stats").status_code == 401
    assert api.get("/stats", "kiosk").status_code == 403
    assert api.get("/devices", "counter").status_code == 403


def test_counters_persist_across_restart(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    setup_counters(api)
    r = api.put(
        "/counters/c1",
        "admin",
        json={
            "window": 11,
            "name_zh": "十一号窗口",
            "name_en": "Window 11",
            "matters": [RESIDENCE],
            "groups": ["social"],
        },
    )
    assert r.status_code == 200 and r.json()["window"] == 11 and RESIDENCE in r.json()["serves"]
    bad = api.put(
        "/counters/c3", "admin", json={"window": 3, "name_zh": "三", "name_en": "3", "matters": ["nope"]}
    )
    assert bad.status_code == 404 and bad.json()["code"] == "unknown_matter"
    bad = api.put(
        "/counters/c3", "admin", json={"window": 3, "name_zh": "三", "name_en": "3", "groups": ["nope"]}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_group"
    proc.stop()
    proc.start()
    counters = {c["id"]: c for c in api.get("/counters", "display").json()}
    assert set(counters) == {"c1", "c2"} and counters["c1"]["window"] == 11
    assert api.request("DELETE", "/counters/c2", "admin").status_code == 204
    assert [c["id"] for c in api.get("/counters", "display").json()] == ["c1"]


def test_calling_rule_through_the_api(make_hall: HallFactory) -> None:
    _, api = make_hall(priority_burst=2)
    setup_counters(api)
    for _ in range(3):
        api.issue(SOCIAL)  # B001..B003
    for _ in range(3):
        api.issue(SOCIAL, green_reason="age")  # G001..G003
    called = []
    for _ in range(6):
        r = api.post("/counters/c1/call-next", "counter")
        assert r.status_code == 200, r.text
        called.append(r.json()["number"])
        assert api.post("/counters/c1/start", "counter").status_code == 200
        assert api.post("/counters/c1/finish", "counter").status_code == 200
    assert called == ["G001", "G002", "B001", "G003", "B002", "B003"]
    assert api.post("/counters/c1/call-next", "counter").status_code == 204


def test_ticket_life_and_errors(make_hall: HallFactory) -> None:
    _, api = make_hall(max_recalls=2, requeue_offset=3)
    setup_counters(api)
    t = api.issue(SOCIAL).json()
    others = [api.issue(SOCIAL).json() for _ in range(4)]
    y = api.issue(ENTERPRISE).json()

    called = api.post("/counters/c1/call-next", "counter").json()
    assert called["id"] == t["id"] and called["window"] == 1 and called["status"] == "called"
    busy = api.post("/counters/c1/call-next", "counter")
    assert busy.status_code == 409 and busy.json()["code"] == "counter_busy"
    # A counter calling a ticket it does not serve; a second call of a called ticket.
    r = api.post("/counters/c1/call", "counter", json={"ticket": y["id"]})
    assert r.status_code == 409 and r.json()["code"] in ("counter_busy", "matter_not_served")
    r = api.post("/counters/c2/call", "counter", json={"ticket": t["id"]})
    assert r.status_code == 409 and r.json()["code"] == "ticket_not_waiting"

    assert api.post("/counters/c1/recall", "counter").json()["recalls"] == 1
    assert api.post("/counters/c1/recall", "counter").json()["recalls"] == 2
    r = api.post("/counters/c1/recall", "counter")
    assert r.status_code == 409 and r.json()["code"] == "max_recalls_reached" and r.json()["message_zh"]
    assert api.post("/counters/c1/no-show", "counter").json()["status"] == "no_show"
    assert api.post("/counters/c1/no-show", "counter").json()["code"] == "no_current_ticket"

    # Reinstated: three tickets back in its colour.
    r = api.post(f"/tickets/{t['id']}/reinstate", "counter")
    assert r.status_code == 200 and r.json()["status"] == "waiting" and r.json()["waiting_ahead"] >= 3
    order = []
    for _ in range(5):
        order.append(api.post("/counters/c1/call-next", "counter").json()["id"])
        api.post("/counters/c1/start", "counter")
        api.post("/counters/c1/finish", "counter")
    assert order == [o["id"] for o in others[:3]] + [t["id"], others[3]["id"]]
    r = api.post(f"/tickets/{t['id']}/reinstate", "counter")
    assert r.status_code == 409 and r.json()["code"] == "ticket_not_no_show"

    # c2 serves the enterprise group: a finish before start is refused, a transfer keeps the number.
    assert api.post("/counters/c2/call-next", "counter").json()["number"] == "Y001"
    r = api.post("/counters/c2/finish", "counter")
    assert r.status_code == 409 and r.json()["code"] == "ticket_not_serving"
    api.post("/counters/c2/start", "counter")
    moved = api.post("/counters/c2/transfer", "counter", json={"matter": SOCIAL_2}).json()
    assert (moved["number"], moved["matter"], moved["status"]) == ("Y001", SOCIAL_2, "waiting")
    b = api.issue(SOCIAL_2).json()
    again = api.post("/counters/c1/call-next", "counter").json()
    assert again["id"] == y["id"]  # first in its colour (yellow before blue anyway)
    api.post("/counters/c1/start", "counter")
    api.post("/counters/c1/finish", "counter")

    # Pause refuses calls until resumed; cancel a waiting ticket.
    assert api.post("/counters/c1/pause", "counter").json()["paused"] is True
    r = api.post("/counters/c1/call-next", "counter")
    assert r.status_code == 409 and r.json()["code"] == "counter_paused"
    assert api.post("/counters/c1/resume", "counter").json()["paused"] is False
    assert api.post(f"/tickets/{b['id']}/cancel", "kiosk").json()["status"] == "cancelled"
    assert api.post(f"/tickets/{b['id']}/cancel", "kiosk").json()["code"] == "ticket_not_active"

    # Rating: only once, only after done, reasons only for the lower two.
    r = api.post(f"/tickets/{y['id']}/rating", "counter", json={"level": 5, "tags": ["attitude"]})
    assert r.status_code == 422 and r.json()["code"] == "invalid_rating"
    r = api.post(f"/tickets/{b['id']}/rating", "counter", json={"level": 5})
    assert r.status_code == 409 and r.json()["code"] == "ticket_not_done"
    r = api.post(f"/tickets/{y['id']}/rating", "display", json={"level": 2, "tags": ["efficiency"]})
    assert r.status_code == 201 and r.json()["label_zh"] == "不满意"
    r = api.post(f"/tickets/{y['id']}/rating", "display", json={"level": 4})
    assert r.status_code == 409 and r.json()["code"] == "already_rated"


def test_bad_input_is_a_clear_4xx_and_writes_nothing(make_hall: HallFactory) -> None:
    _, api = make_hall()
    setup_counters(api)
    before = last_seq(api)
    auth = {"Authorization": f"Bearer {api.tokens['kiosk']}", "Idempotency-Key": "k"}
    cases = [
        api.http.post(
            "/tickets",
            content=b'{"matter": "pension_enrol",',
            headers={**auth, "content-type": "application/json"},
        ),
        api.http.post("/tickets", content=b"\xff\xfe", headers={**auth, "content-type": "application/json"}),
        api.issue("no_such_matter"),
        api.post(
            "/tickets", "kiosk", headers={"Idempotency-Key": "k2"}, json={"matter": SOCIAL, "colour": "g"}
        ),
        api.post(
            "/tickets",
            "kiosk",
            headers={"Idempotency-Key": "k3"},
            json={"matter": SOCIAL, "green_reason": "vip"},
        ),
        api.post("/tickets", "kiosk", headers={"Idempotency-Key": "k4"}, json=[1, 2]),
        api.post("/tickets", "kiosk", headers={"Idempotency-Key": "k5"}, json={}),
        api.post("/counters/nope/call-next", "counter"),
        api.post("/counters/c1/transfer", "counter", json={"matter": SOCIAL}),
        api.post("/counters/c1/call", "counter", json={"ticket": "nope"}),
        api.put("/counters/c5", "admin", json={"window": "five", "name_zh": "五", "name_en": "5"}),
        api.post(
            "/appointments", "admin", json={"matter": SOCIAL, "slot_start": "tomorrow", "slot_end": "x"}
        ),
        api.post("/tickets/x/rating", "kiosk", json={"level": 9}),
        api.get("/events?since=-1", "display"),
        api.http.get("/no/such/path"),
        api.http.delete("/tickets"),
    ]
    codes = [(r.status_code, r.json().get("code")) for r in cases]
    assert codes == [
        (400, "malformed_json"),
        (400, "malformed_json"),
        (404, "unknown_matter"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (404, "unknown_counter"),
        (409, "no_current_ticket"),
        (404, "unknown_ticket"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (404, "not_found"),
        (405, "method_not_allowed"),
    ], codes
    for r in cases:
        body = r.json()
        assert body["message"] and body["message_zh"], body
        assert r.status_code < 500
    assert "green_reason" in cases[4].json()["message"]
    assert last_seq(api) == before, "a refused request must not leave an event (or a row) behind"
    # The same idempotency key was refused, not consumed: it still issues a ticket.
    assert api.issue(SOCIAL, key="k").status_code == 201


def test_appointments(make_hall: HallFactory) -> None:
    _, api = make_hall(appointment_early_s=3600, appointment_late_s=900)
    setup_counters(api)
    now = datetime.now(UTC)

    def book(start: datetime) -> dict:  # type: ignore[type-arg]
        r = api.post(
            "/appointments",
            "admin",
            json={
                "matter": SOCIAL,
                "slot_start": start.isoformat(),
                "slot_end": (start + timedelta(minutes=30)).isoformat(),
                "reference": "YY-2026-0001",
            },
        )
        assert r.status_code == 201, r.text
        return r.json()

    early = book(now + timedelta(hours=3))
    r = api.post(f"/appointments/{early['id']}/check-in", "kiosk", headers={"Idempotency-Key": "a1"})
    assert r.status_code == 409 and r.json()["code"] == "appointment_too_early"
    late = book(now - timedelta(minutes=14))
    walk_in = [api.issue(SOCIAL).json() for _ in range(2)]
    r = api.post(f"/appointments/{late['id']}/check-in", "kiosk", headers={"Idempotency-Key": "a2"})
    assert r.status_code == 201 and r.json()["appointment"] is True and r.json()["number"] == "B003"
    assert r.json()["waiting_ahead"] == 0  # its slot has begun: first in its colour
    again = api.post(f"/appointments/{late['id']}/check-in", "kiosk", headers={"Idempotency-Key": "a3"})
    assert again.status_code == 409 and again.json()["code"] == "appointment_not_booked"
    assert again.json()["details"]["ticket"]["number"] == "B003"
    assert api.get(f"/appointments/{late['id']}", "kiosk").json()["status"] == "checked_in"
    assert api.post("/counters/c1/call-next", "counter").json()["number"] == "B003"
    assert walk_in[0]["number"] == "B001"
    gone = book(now - timedelta(minutes=10))
    r = api.post(
        "/appointments",
        "admin",
        json={
            "matter": SOCIAL,
            "slot_start": (now - timedelta(hours=2)).isoformat(),
            "slot_end": (now - timedelta(hours=1)).isoformat(),
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_slot"
    assert (
        api.post(
            f"/appointments/{gone['id']}/check-in",
            "kiosk",
            headers={"Idempotency-Key": "a4"},
            json={"green_reason": "age"},
        ).json()["colour"]
        == "green"
    )


def test_devices(make_hall: HallFactory) -> None:
    _, api = make_hall()
    before = last_seq(api)
    r = api.post(
        "/devices/kiosk1-printer/status",
        "kiosk",
        json={"kind": "printer", "status": "degraded", "reason": "paper near end"},
    )
    assert r.status_code == 200 and r.json()["reporter"] == "test kiosk"
    api.post(
        "/devices/kiosk1-printer/status",
        "kiosk",
        json={"kind": "printer", "status": "degraded", "reason": "paper near end"},
    )
    api.post(
        "/devices/kiosk1-printer/status",
        "kiosk",
        json={"kind": "printer", "status": "fault", "reason": "paper out"},
    )
    devices = api.get("/devices", "technician").json()
    assert [(d["id"], d["status"], d["reason"]) for d in devices] == [
        ("kiosk1-printer", "fault", "paper out")
    ]
    assert event_types(api, before) == ["device.status", "device.status"]  # the repeat is a heartbeat only


def test_event_stream_replays_and_pushes(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    setup_counters(api)
    start = last_seq(api)
    first = [api.issue(SOCIAL).json()["number"] for _ in range(3)]

    async def run() -> list[dict]:  # type: ignore[type-arg]
        url = (
            proc.url.replace("http", "ws") + f"/api/v1/events/ws?since={start}&token={api.tokens['display']}"
        )
        got: list[dict] = []  # type: ignore[type-arg]
        async with websockets.connect(url) as ws:
            for _ in range(3):
                got.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
            loop = asyncio.get_running_loop()
            called = await loop.run_in_executor(None, lambda: api.post("/counters/c1/call-next", "counter"))
            assert called.status_code == 200
            got.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.5)  # nothing else happened, so nothing else arrives
        return got

    got = asyncio.run(run())
    assert [e["type"] for e in got] == ["ticket.issued"] * 3 + ["ticket.called"]
    assert [e["data"]["ticket"]["number"] for e in got] == [*first, "B001"]
    seqs = [e["seq"] for e in got]
    assert seqs == sorted(set(seqs)) and seqs[0] == start + 1
    assert got[-1]["data"]["ticket"]["window"] == 1
    polled = api.get(f"/events?since={start}&limit=2", "display").json()
    assert [e["seq"] for e in polled["events"]] == seqs[:2] and polled["last_seq"] == seqs[-1]

    async def refused() -> int:
        url = proc.url.replace("http", "ws") + "/api/v1/events/ws?since=0&token=hq_nope"
        async with websockets.connect(url) as ws:
            with pytest.raises(websockets.ConnectionClosed) as info:
                await asyncio.wait_for(ws.recv(), 5)
            return int(info.value.rcvd.code)  # type: ignore[union-attr]

    assert asyncio.run(refused()) == 4401


def test_stats_from_events(make_hall: HallFactory) -> None:
    _, api = make_hall()
    setup_counters(api)
    g = api.issue(SOCIAL, green_reason="pregnancy").json()
    b = api.issue(SOCIAL).json()
    api.issue(SOCIAL)
    time.sleep(0.2)
    assert api.post("/counters/c1/call-next", "counter").json()["id"] == g["id"]
    api.post("/counters/c1/start", "counter")
    time.sleep(0.2)
    api.post("/counters/c1/finish", "counter")
    api.post(f"/tickets/{g['id']}/rating", "display", json={"level": 5})
    assert api.post("/counters/c1/call-next", "counter").json()["id"] == b["id"]
    api.post("/counters/c1/no-show", "counter")
    s = api.get("/stats", "technician").json()
    assert s["issued"]["all"] == 3 and s["issued"]["green"] == 1
    assert s["waiting"]["all"]["count"] == 2 and s["waiting"]["by_colour"]["green"]["mean_s"] >= 0.2
    assert s["service"]["by_counter"]["c1"]["count"] == 1 and s["service"]["all"]["mean_s"] >= 0.2
    assert s["no_show_rate"] == 0.5
    assert s["ratings"]["levels"]["5"] == 1 and s["ratings"]["good_rate"] == 1.0
    assert s["waiting_now"] == 1
    snap = api.get("/queue").json()
    assert snap["waiting"] == {"green": 0, "yellow": 0, "blue": 1}
    assert snap["recent_calls"][0]["number"] == "B001" and snap["recent_calls"][0]["window"] == 1


def test_openapi_lists_the_contract(make_hall: HallFactory) -> None:
    _, api = make_hall()
    spec = api.http.get(api.base + "/openapi.json").json()
    paths = set(spec["paths"])
    for p in [
        "/api/v1/health",
        "/api/v1/catalogue",
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/appointments",
        "/api/v1/appointments/{appointment_id}/check-in",
        "/api/v1/counters/{counter_id}/call-next",
        "/api/v1/counters/{counter_id}/recall",
        "/api/v1/counters/{counter_id}/no-show",
        "/api/v1/counters/{counter_id}/start",
        "/api/v1/counters/{counter_id}/finish",
        "/api/v1/counters/{counter_id}/transfer",
        "/api/v1/counters/{counter_id}/pause",
        "/api/v1/counters/{counter_id}/resume",
        "/api/v1/tickets/{ticket_id}/rating",
        "/api/v1/queue",
        "/api/v1/events",
        "/api/v1/stats",
        "/api/v1/devices/{device_id}/status",
        "/api/v1/devices",
    ]:
        assert p in paths, p


def test_token_cli_against_a_running_hall(make_hall: HallFactory, backend: str) -> None:
    proc, api = make_hall()
    where = [
        "--data",
        str(proc.data_dir),
        "--config",
        str(proc.config),
        *(["--db", proc.db] if proc.db else []),
    ]
    kiosk = [sys.executable, "-m", "kiosk", "token"]
    out = subprocess.run(
        [*kiosk, "create", *where, "--role", "kiosk", "--name", "kiosk-2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    token = out.stdout.strip()
    assert token.startswith("hq_") and token not in out.stderr
    r = api.http.post(
        "/tickets",
        json={"matter": SOCIAL},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "cli"},
    )
    assert r.status_code == 201
    listing = subprocess.run(
        [*kiosk, "list", *where], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    ).stdout
    assert "kiosk-2" in listing and token not in listing
    token_id = next(line.split()[0] for line in listing.splitlines() if "kiosk-2" in line)
    subprocess.run(
        [*kiosk, "revoke", *where, token_id], capture_output=True, cwd=ROOT, timeout=60, check=True
    )
    time.sleep(2.5)  # the server caches token look-ups for 2 s
    r = api.http.post(
        "/tickets",
        json={"matter": SOCIAL},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "cli2"},
    )
    assert r.status_code == 401
