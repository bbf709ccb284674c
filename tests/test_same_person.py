"""The same person today, without their ID number: day keys, already_waiting, reprint, my tickets today."""

from __future__ import annotations

import os
import tempfile

import pytest
from sqlalchemy import select

from kiosk.client.person import person_key
from kiosk.client.rest import HallClient
from tests.conftest import HallFactory

SOCIAL = "pension_enrol"
SOCIAL_2 = "medical_enrol"
ID_NUMBER = "11010519491231002X"


def issue(api, matter: str, key: str, green_reason: str | None = None):  # type: ignore[no-untyped-def]
    return api.post(
        "/tickets",
        "kiosk",
        headers={"Idempotency-Key": os.urandom(8).hex()},
        json={"matter": matter, "person_key": key, "green_reason": green_reason},
    )


def test_the_same_person_gets_their_ticket_again_not_a_second_number(make_hall: HallFactory) -> None:
    _, api = make_hall()
    assert api.get("/kiosk/day-key", "display").json()["code"] == "forbidden"
    assert api.get("/kiosk/day-key").status_code == 401
    with HallClient(api.base, api.tokens["kiosk"]) as client:
        day_key = client.day_key()
        assert client.day_key() == day_key  # one secret for the whole day
        assert ID_NUMBER not in repr(day_key) and day_key.key not in repr(day_key)
    me = person_key(day_key.key, ID_NUMBER)
    assert person_key(day_key.key, " 11010519491231002x ") == me
    other = person_key(day_key.key, "110105194912310037")

    first = issue(api, SOCIAL, me, "military")
    assert first.status_code == 201, first.text
    again = issue(api, SOCIAL, me)
    assert again.status_code == 409 and again.json()["code"] == "already_waiting", again.text
    assert again.json()["details"]["ticket"]["id"] == first.json()["id"]
    assert again.json()["details"]["ticket"]["number"] == first.json()["number"]
    assert "military" not in again.text  # the green reason is the counter's business only
    assert again.json()["message_zh"]
    # Another matter, or another person, is a new number.
    assert issue(api, SOCIAL_2, me).status_code == 201
    assert issue(api, SOCIAL, other).status_code == 201
    # A ticket that is over no longer blocks a new one.
    assert api.post(f"/tickets/{first.json()['id']}/cancel", "counter").status_code == 200
    assert issue(api, SOCIAL, me).status_code == 201

    bad = issue(api, SOCIAL, "NOT-A-KEY")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


def test_reprint_is_recorded_and_marked(make_hall: HallFactory) -> None:
    _, api = make_hall()
    t = api.issue(SOCIAL).json()
    assert api.post(f"/tickets/{t['id']}/reprint", "display").json()["code"] == "forbidden"
    r = api.post(f"/tickets/{t['id']}/reprint", "kiosk")
    assert r.status_code == 200, r.text
    assert r.json()["reprint"] is True and r.json()["number"] == t["number"]
    events = api.get("/events?since=0", "display").json()["events"]
    assert events[-1]["type"] == "ticket.reprinted" and events[-1]["data"]["ticket"]["id"] == t["id"]
    assert api.post("/tickets/nope/reprint", "kiosk").json()["code"] == "unknown_ticket"


def test_my_tickets_today(make_hall: HallFactory) -> None:
    _, api = make_hall()
    r = api.put(
        "/counters/c1",
        "admin",
        json={"window": 7, "name_zh": "七号窗口", "name_en": "Window 7", "groups": ["social"]},
    )
    assert r.status_code == 201, r.text
    with HallClient(api.base, api.tokens["kiosk"]) as client:
        me = person_key(client.day_key().key, ID_NUMBER)
        assert client.person_tickets(me) == []
        a = issue(api, SOCIAL, me, "illness").json()
        issue(api, SOCIAL, person_key(client.day_key().key, "110105194912310037"))
        b = issue(api, SOCIAL_2, me).json()
        assert api.post("/counters/c1/call-next", "counter").json()["number"] == a["number"]
        mine = client.person_tickets(me)
    assert [t["id"] for t in mine] == [b["id"], a["id"]]
    assert (mine[1]["status"], mine[1]["window"]) == ("called", 7)
    assert mine[0]["status"] == "waiting" and mine[0]["waiting_ahead"] == 1
    listed = api.get(f"/tickets?person={me}", "kiosk")
    assert "illness" not in listed.text and "green_reason" not in listed.text
    assert api.get(f"/tickets?person={me}", "display").json()["code"] == "forbidden"
    assert api.get("/tickets?person=abc", "kiosk").json()["code"] == "invalid_request"


def test_no_key_of_a_past_day_remains_after_the_day_ends(
    backend: str, request: pytest.FixtureRequest
) -> None:
    from kiosk.config import load_config
    from kiosk.hall import schema as S
    from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
    from kiosk.hall.service import HallService
    from kiosk.hall.store import migrate, open_store

    now = [1_800_000_000.0]
    if backend == "postgres":
        pg = request.getfixturevalue("pg")
        url = pg.createdb(f"hall_keys_{os.getpid()}")
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/hall.db"
    store = open_store(url)
    migrate(store)
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store, clock=lambda: now[0])
    try:
        secret = svc.day_key()["key"]
        me = person_key(secret, ID_NUMBER)
        svc.issue_ticket(SOCIAL, person_key=me)
        svc.housekeep()  # still today: nothing of today is forgotten
        with store.read.connect() as conn:
            assert conn.execute(select(S.tickets.c.person_key)).scalars().all() == [me]
        now[0] += 86400
        svc.housekeep()
        with store.read.connect() as conn:
            assert conn.execute(select(S.day_keys)).all() == []
            assert conn.execute(select(S.tickets.c.person_key)).scalars().all() == [None]
            dump = "\n".join(str(tuple(r)) for t in S.metadata.sorted_tables for r in conn.execute(select(t)))
        for needle in (secret, me, ID_NUMBER, ID_NUMBER[:-1]):
            assert needle not in dump
        assert svc.day_key()["key"] != secret  # a new day, a new secret
    finally:
        svc.close()
        store.dispose()
