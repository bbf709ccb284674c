"""Calls for staff from kiosks: raised once however often the outbox redelivers, acknowledged by a counter."""

from __future__ import annotations

from kiosk.client.outbox import Outbox
from kiosk.client.rest import HallClient
from tests.conftest import HallFactory


def test_a_kiosk_calls_staff_and_a_counter_answers(make_hall: HallFactory) -> None:
    _, api = make_hall()
    assert api.post("/help", "display").json()["code"] == "forbidden"
    first = api.post("/help", "kiosk", json={"note": "search"}, headers={"Idempotency-Key": "help-1"})
    assert first.status_code == 201, first.text
    assert first.json()["kiosk"] == "test kiosk" and first.json()["answered_at"] is None
    again = api.post("/help", "kiosk", json={"note": "search"}, headers={"Idempotency-Key": "help-1"})
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    other = api.post("/help", "kiosk")  # no key, no body: still a call
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]

    events = api.get("/events?since=0", "display").json()["events"]
    requested = [e for e in events if e["type"] == "help.requested"]
    assert len(requested) == 2 and requested[0]["data"]["help"]["kiosk"] == "test kiosk"
    assert [h["id"] for h in api.get("/help", "counter").json()] == [first.json()["id"], other.json()["id"]]

    answered = api.post(f"/help/{first.json()['id']}/answer", "counter")
    assert answered.status_code == 200 and answered.json()["answered_by"] == "test counter"
    twice = api.post(f"/help/{first.json()['id']}/answer", "admin")
    assert twice.json()["answered_by"] == "test counter"  # the first answer stands, no second event
    types = [e["type"] for e in api.get("/events?since=0", "display").json()["events"]]
    assert types.count("help.answered") == 1
    assert [h["id"] for h in api.get("/help", "counter").json()] == [other.json()["id"]]
    assert api.post("/help/nope/answer", "counter").json()["code"] == "unknown_help_request"
    assert api.post("/help/x/answer", "kiosk").json()["code"] == "forbidden"


def test_the_kiosk_outbox_delivers_a_call_once(make_hall: HallFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, api = make_hall()
    box = Outbox(tmp_path / "outbox.db")
    item = box.put("help", {"note": "card reader"}, key="kiosk-2-help-0001")
    with HallClient(api.base, api.tokens["kiosk"]) as kiosk:
        # The first answer is lost on the way back; the outbox sends the item again, unchanged.
        first = kiosk.request_help(item.key or "", **item.payload)
        second = kiosk.request_help(item.key or "", **item.payload)
    box.mark_delivered(item.id)
    box.close()
    assert first == second
    open_calls = api.get("/help", "counter").json()
    assert [c["id"] for c in open_calls] == [first["id"]] and open_calls[0]["note"] == "card reader"
