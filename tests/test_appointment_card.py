"""Appointment check-in by ID card, without the ID number stored; a late arrival gets an ordinary ticket."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from kiosk.client.person import person_key
from kiosk.client.rest import HallClient
from tests.conftest import HallFactory
from tests.support import Api

SOCIAL = "pension_enrol"
ID_NUMBER = "11010519491231002X"
OTHER = "110105194912310037"


def book(api: Api, start: datetime, id_number: str | None) -> dict:  # type: ignore[type-arg]
    r = api.post(
        "/appointments",
        "admin",
        json={
            "matter": SOCIAL,
            "slot_start": start.isoformat(),
            "slot_end": (start + timedelta(minutes=30)).isoformat(),
            "id_number": id_number,
        },
    )
    assert r.status_code == 201, r.text
    assert id_number is None or id_number not in r.text
    return r.json()


def by_card(api: Api, key: str) -> object:
    return api.post(
        "/appointments/check-in-by-card",
        "kiosk",
        headers={"Idempotency-Key": os.urandom(8).hex()},
        json={"holder_key": key},
    )


def test_check_in_by_card_on_time_early_and_late(make_hall: HallFactory) -> None:
    proc, api = make_hall(appointment_early_s=3600, appointment_late_s=60)
    now = datetime.now(UTC)
    with HallClient(api.base, api.tokens["kiosk"]) as client:
        appt_key = client.day_key().appointment_key
    mine, other = person_key(appt_key, ID_NUMBER), person_key(appt_key, OTHER)

    on_time = book(api, now - timedelta(seconds=10), ID_NUMBER)
    book(api, now + timedelta(hours=3), OTHER)
    # Bookable only while its check-in window lasts: booked a few seconds before the window ends.
    late = book(api, now - timedelta(seconds=57), "110105194912310045")

    r = by_card(api, mine)
    assert r.status_code == 201, r.text
    assert r.json()["appointment"] is True and r.json()["notice"] is None
    assert api.get(f"/appointments/{on_time['id']}", "kiosk").json()["ticket"] == r.json()["id"]
    # Checked in: the card finds no booked appointment any more.
    assert by_card(api, mine).json()["code"] == "unknown_appointment"
    assert by_card(api, other).json()["code"] == "appointment_too_early"

    time.sleep(max(0.0, now.timestamp() + 3.5 - time.time()))
    r = by_card(api, person_key(appt_key, "110105194912310045"))
    assert r.status_code == 201, r.text
    assert r.json()["appointment"] is False and r.json()["number"].startswith("B")
    assert r.json()["notice"]["code"] == "appointment_expired" and r.json()["notice"]["message_zh"]
    assert api.get(f"/appointments/{late['id']}", "kiosk").json()["status"] == "expired"

    # The holder keys of the checked-in and the expired appointment are gone; the early one's stays.
    proc.stop()
    db = proc.data_dir / "hall.db"
    if proc.db is None:  # SQLite: read the file itself
        with sqlite3.connect(db) as conn:
            keys = [k for (k,) in conn.execute("SELECT holder_key FROM appointments") if k is not None]
            dump = "\n".join(str(row) for row in conn.iterdump())
        assert keys == [other]
        assert ID_NUMBER not in dump and OTHER not in dump and mine not in dump
    proc.start()


def test_a_late_qr_check_in_is_an_ordinary_ticket_with_a_notice(make_hall: HallFactory) -> None:
    _, api = make_hall(appointment_early_s=3600, appointment_late_s=60)
    start = time.time()
    late = book(api, datetime.fromtimestamp(start - 58, UTC), None)
    time.sleep(max(0.0, start + 2.5 - time.time()))
    key = os.urandom(8).hex()
    r = api.post(f"/appointments/{late['id']}/check-in", "kiosk", headers={"Idempotency-Key": key})
    assert r.status_code == 201 and r.json()["notice"]["appointment"] == late["id"], r.text
    again = api.post(f"/appointments/{late['id']}/check-in", "kiosk", headers={"Idempotency-Key": key})
    assert again.json() == r.json() and again.headers.get("Idempotent-Replayed") == "true"
    events = [e["type"] for e in api.get("/events?since=0", "display").json()["events"]]
    assert events[-2:] == ["appointment.expired", "ticket.issued"]
