"""What the API refuses, and how: bodies too big or too deep, far dates, ids it would have to cut, names a
board cannot show safely, methods an address does not take. Every refusal is a 4xx with a declared code and
leaves nothing behind. Against a real back office on loopback."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, insert

from kiosk.hall import schema as S
from kiosk.hall.errors import ERRORS
from kiosk.hall.json_limits import MAX_BODY_BYTES, MAX_DEPTH
from kiosk.hall.store import database_url
from tests.conftest import HallFactory
from tests.support import ROOT
from tests.test_api import SOCIAL, last_seq, setup_counters
from tests.test_staff import add_staff


def nested(depth: int) -> object:
    value: object = 1
    for i in range(depth):
        value = {"k": value} if i % 2 else [value]
    return value


def code(r: httpx.Response) -> tuple[int, str]:
    body = r.json()
    assert body["message"] and body["message_zh"], body
    return r.status_code, body["code"]


def test_request_bodies_are_bounded_in_size(make_hall: HallFactory) -> None:
    _, api = make_hall()
    before = last_seq(api)
    big = {"kind": "printer", "status": "ok", "details": {"log": "x" * MAX_BODY_BYTES}}
    assert code(api.post("/devices/p1/status", "kiosk", json=big)) == (413, "payload_too_large")

    def fifty_megabytes() -> Iterator[bytes]:  # chunked: no Content-Length to refuse up front
        yield b'{"kind": "printer", "status": "ok", "details": {"log": "'
        for _ in range(50 * 16):
            yield b"x" * 65536
        yield b'"}}'

    headers = {"Authorization": f"Bearer {api.tokens['kiosk']}", "content-type": "application/json"}
    try:
        r = api.http.post("/devices/p2/status", content=fifty_megabytes(), headers=headers)
        assert code(r) == (413, "payload_too_large")
    except httpx.WriteError:
        pass  # the server answered and closed before the client finished sending: refused all the same
    assert last_seq(api) == before and api.get("/devices", "technician").json() == []
    fits = {"kind": "printer", "status": "ok", "details": {"log": "x" * (MAX_BODY_BYTES // 2)}}
    assert api.post("/devices/p3/status", "kiosk", json=fits).status_code == 200


def test_deeply_nested_json_is_refused_before_it_is_stored(make_hall: HallFactory) -> None:
    _, api = make_hall()
    before = last_seq(api)
    for depth in (MAX_DEPTH - 1, 256, 5000):  # inside the body and its details: two levels more
        raw = b'{"kind": "printer", "status": "fault", "details": {"trace": '
        raw += b"[" * depth + b"1" + b"]" * depth + b"}}"
        r = api.post("/devices/p1/status", "kiosk", content=raw, headers={"content-type": "application/json"})
        assert code(r) == (422, "json_too_deep"), depth
    r = api.post("/tickets", "kiosk", headers={"Idempotency-Key": "deep"}, content=b"[" * 60_000, timeout=15)
    assert code(r) == (422, "json_too_deep")
    assert last_seq(api) == before
    # Brackets inside strings are text; nesting up to the limit is accepted and sent back intact.
    fine = {"trace": nested(MAX_DEPTH - 2), "text": "[[[[{{{{" * 40 + '\\"[['}
    r = api.post("/devices/p1/status", "kiosk", json={"kind": "printer", "status": "fault", "details": fine})
    assert r.status_code == 200, r.text
    assert api.get("/devices", "technician").json()[0]["details"] == fine


def test_a_stored_deep_report_does_not_break_the_device_list(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    assert (
        api.post("/devices/ok1/status", "kiosk", json={"kind": "printer", "status": "ok"}).status_code == 200
    )
    proc.stop()
    # As a hall that accepted such a report before bodies were bounded would have it.
    engine = create_engine(database_url(proc.data_dir, proc.db))
    with engine.begin() as conn:
        conn.execute(
            insert(S.devices).values(
                id="deep1",
                kind="printer",
                status="fault",
                reason="",
                details=json.dumps({"trace": nested(256)}),
                reporter="old kiosk",
                reported_at=1.0,
                changed_at=1.0,
            )
        )
    engine.dispose()
    proc.start()
    r = api.get("/devices", "technician")
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()] == ["deep1", "ok1"]


def test_far_dates_are_refused_not_crashed_on(make_hall: HallFactory) -> None:
    _, api = make_hall()
    for day in ("9999-12-31", "0001-01-01", "0", "2026-02-30", "20261201"):
        assert code(api.get(f"/stats?day={day}", "technician")) == (422, "invalid_request"), day
    assert api.get("/stats?day=2026-01-01", "technician").status_code == 200
    soon = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=1)
    for start, end in [
        ("9999-12-31T23:00:00+00:00", "9999-12-31T23:30:00+00:00"),
        ("9999-12-31T23:00:00", "9999-12-31T23:30:00"),
        (soon.isoformat(), "9999-12-31T23:30:00+00:00"),
        ("0001-01-01T00:00:00+08:00", soon.isoformat()),
    ]:
        r = api.post("/appointments", "admin", json={"matter": SOCIAL, "slot_start": start, "slot_end": end})
        assert code(r) == (422, "invalid_slot"), (start, end, r.text)


def test_times_without_an_offset_are_the_halls(
    make_hall: HallFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # the host's zone differs from the hall's (Asia/Shanghai)
    _, api = make_hall()
    day = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=2)).date().isoformat()
    r = api.post(
        "/appointments",
        "admin",
        json={"matter": SOCIAL, "slot_start": f"{day}T09:00:00", "slot_end": f"{day}T09:30:00"},
    )
    assert r.status_code == 201, r.text
    assert (r.json()["slot_start"], r.json()["slot_end"]) == (
        f"{day}T09:00:00+08:00",
        f"{day}T09:30:00+08:00",
    )


def test_counter_ids_are_refused_rather_than_cut(make_hall: HallFactory) -> None:
    _, api = make_hall()
    counter = {"window": 7, "name_zh": "七号窗口", "name_en": "Window 7", "groups": ["social"]}
    for bad in ("c" * 33, "a" * 40, "c 1", "-x", "c%001", "窗口1"):
        assert code(api.put(f"/counters/{bad}", "admin", json=counter)) == (422, "invalid_request"), bad
    assert api.get("/counters", "display").json() == []
    assert api.put(f"/counters/{'c' * 32}", "admin", json=counter).status_code == 201
    assert [c["id"] for c in api.get("/counters", "display").json()] == ["c" * 32]


UNSAFE = ["\x00", "\u202e", "\u2066", "\u200f", "\x1b[2J", "\n", "\u2028", "\ufeff"]


def test_names_shown_on_boards_refuse_control_and_bidi_characters(make_hall: HallFactory) -> None:
    proc, api = make_hall()
    before = last_seq(api)
    for bad in UNSAFE:
        counter = {"window": 1, "name_zh": f"一号{bad}窗口", "name_en": "Window 1", "groups": ["social"]}
        assert code(api.put("/counters/c1", "admin", json=counter)) == (422, "invalid_request"), repr(bad)
        counter = {"window": 1, "name_zh": "一号窗口", "name_en": f"Window{bad}1", "groups": ["social"]}
        assert code(api.put("/counters/c1", "admin", json=counter)) == (422, "invalid_request"), repr(bad)
        staff = {"username": "wang", "name": f"王{bad}芳", "password": "long enough 1"}
        assert code(api.post("/staff", "admin", json=staff)) == (422, "invalid_request"), repr(bad)
    blank = {"window": 1, "name_zh": "   ", "name_en": "Window 1", "groups": ["social"]}
    assert code(api.put("/counters/c1", "admin", json=blank)) == (422, "invalid_request")
    assert add_staff(proc, "wang", "王\u202e芳", "long enough 1").returncode == 1
    assert last_seq(api) == before and api.get("/staff", "admin").json() == []
    setup_counters(api)  # ordinary Chinese and English names pass
    ok = {"username": "wang", "name": "王芳 Wang Fang·娜", "password": "long enough 1"}
    assert api.post("/staff", "admin", json=ok).status_code == 201


def test_405_says_which_methods_the_address_takes(make_hall: HallFactory) -> None:
    _, api = make_hall()
    for method, path, allowed in [
        ("DELETE", "/tickets", {"GET", "POST"}),  # GET: a person's tickets today
        ("GET", "/auth/login", {"POST"}),
        ("PATCH", "/counters/c1", {"GET", "PUT", "DELETE"}),
    ]:
        r = api.request(method, path, "admin")
        assert code(r) == (405, "method_not_allowed"), (method, path)
        listed = {m.strip() for m in r.headers["Allow"].split(",")}
        assert listed - {"HEAD"} == allowed, r.headers  # HEAD comes with every GET


def declared_codes_in_source() -> list[tuple[str, str]]:
    """Every error code the hall's source can raise: HallError, TransitionError and the
    transition table's codes, and literal `"code": ...` bodies."""
    found = []
    for path in sorted((ROOT / "kiosk" / "hall").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None))
                in ("HallError", "TransitionError", "_error")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((path.name, str(node.args[0].value)))
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == "code" and isinstance(v, ast.Constant):
                        found.append((path.name, str(v.value)))
    from kiosk.hall import policy

    found += [("policy.py", c) for c, _ in policy._NEEDS.values()]
    return found


def test_every_error_code_is_declared() -> None:
    found = declared_codes_in_source()
    assert len(found) > 40
    undeclared = sorted({(where, c) for where, c in found if c not in ERRORS})
    assert undeclared == []


def test_openapi_documents_auth_refusals_and_the_required_key(make_hall: HallFactory) -> None:
    _, api = make_hall()
    spec = api.http.get(api.base + "/openapi.json").json()
    ops = spec["paths"]
    issue = ops["/api/v1/tickets"]["post"]
    key = next(p for p in issue["parameters"] if p["name"] == "Idempotency-Key")
    assert key["in"] == "header" and key["required"] is True
    check_in = ops["/api/v1/appointments/{appointment_id}/check-in"]["post"]
    assert next(p for p in check_in["parameters"] if p["name"] == "Idempotency-Key")["required"] is True
    error = {"$ref": "#/components/schemas/Error"}
    for path, methods in ops.items():
        for method, op in methods.items():
            statuses = set(op["responses"])
            if op.get("security"):
                assert {"401", "403"} <= statuses, (method, path)
            if "requestBody" in op:
                assert {"413", "422"} <= statuses, (method, path)
            for status, response in op["responses"].items():
                if status[0] in "45":
                    assert response["content"]["application/json"]["schema"] == error, (method, path, status)
    assert "429" in ops["/api/v1/auth/login"]["post"]["responses"]
    # What the service refuses is in the schema too, so generated clients and fuzzers send valid requests.
    schemas = spec["components"]["schemas"]
    assert schemas["RatingIn"]["properties"]["tags"]["items"]["enum"]
    assert schemas["StaffIn"]["properties"]["username"]["pattern"]
    assert "pattern" in schemas["CounterIn"]["properties"]["name_zh"]
    assert {tuple(a["required"]) for a in schemas["TicketIn"]["anyOf"]} == {("matter",), ("appointment",)}
    status = next(
        p for p in ops["/api/v1/counters/{counter_id}/tickets"]["get"]["parameters"] if p["name"] == "status"
    )
    assert "no_show" in status["schema"]["enum"]
    put = ops["/api/v1/counters/{counter_id}"]["put"]
    assert {"200", "201"} <= set(put["responses"]) and put["parameters"][0]["schema"]["maxLength"] == 32
    assert spec["components"]["securitySchemes"]
    assert ops["/api/v1/health"]["get"].get("security") is None  # public reads need no token
    # The key is still refused with its own code when missing, after the token is checked.
    missing = api.post("/tickets", "kiosk", json={"matter": SOCIAL})
    assert code(missing) == (400, "idempotency_key_required")
    empty = api.post("/tickets", "kiosk", json={"matter": SOCIAL}, headers={"Idempotency-Key": ""})
    assert code(empty) == (400, "idempotency_key_required")
    assert api.post("/tickets", json={"matter": SOCIAL}).status_code == 401
