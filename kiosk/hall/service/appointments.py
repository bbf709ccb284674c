"""Appointments: booked by the booking system, checked in as tickets (see Tickets.issue_ticket)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from kiosk.client.person import person_key
from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.service.persons import Persons
from kiosk.hall.writer import Tx

log = logging.getLogger(__name__)
# Booking systems open slots weeks ahead; a year bounds it well inside what dates and clocks can represent.
MAX_BOOKING_AHEAD_S = 366 * 86400
MAX_SLOT_S = 86400


class Appointments(Persons):
    # --- appointments -----------------------------------------------------------------------------

    def create_appointment(
        self,
        matter: str,
        start: datetime,
        end: datetime,
        reference: str | None = None,
        id_number: str | None = None,
    ) -> dict[str, Any]:
        """Book a slot. A time without a UTC offset is the hall's local time (not the server host's).

        With `id_number` the resident can check in with their ID card: only its keyed hash is kept (see
        persons.py), until the appointment is checked in or its check-in window ends."""
        m = self._matter(matter)
        holder_key = None
        if id_number is not None:
            holder_key = person_key(self._hall_secret("appointments"), id_number)
        slot_start, slot_end = self._epoch(start), self._epoch(end)
        if slot_end <= slot_start:
            raise HallError("invalid_slot", "the slot must end after it starts")
        if slot_end - slot_start > MAX_SLOT_S:
            raise HallError("invalid_slot", "a slot lies within one day")
        if slot_start > self.clock() + MAX_BOOKING_AHEAD_S:
            raise HallError(
                "invalid_slot", f"a slot can be booked at most {MAX_BOOKING_AHEAD_S // 86400} days ahead"
            )

        def cmd(tx: Tx) -> dict[str, Any]:
            if slot_start + self.policy.appointment_late_s < tx.now:
                raise HallError("invalid_slot", "the slot is already over")
            appt_id = secrets.token_urlsafe(12)
            tx.conn.execute(
                insert(S.appointments).values(
                    id=appt_id,
                    matter=m.id,
                    slot_start=slot_start,
                    slot_end=slot_end,
                    status="booked",
                    reference=reference,
                    created_at=tx.now,
                    holder_key=holder_key,
                )
            )
            tx.emit(
                "appointment.created",
                {"appointment": {"id": appt_id, "matter": m.id, "slot_start": slot_start}},
            )
            return self._appointment_view(self._appointment(tx.conn, appt_id))

        return self.writer.run(cmd)

    def _epoch(self, when: datetime) -> float:
        local = when if when.tzinfo is not None else when.replace(tzinfo=self.tz)
        try:
            return local.timestamp()
        except (OverflowError, ValueError) as exc:  # e.g. 0001-01-01 with a positive offset
            raise HallError("invalid_slot", f"{when.isoformat()} is not a time this hall can book") from exc

    def _appointment(self, conn: Connection, appt_id: str) -> Row[Any]:
        row = conn.execute(select(S.appointments).where(S.appointments.c.id == appt_id)).first()
        if row is None:
            raise HallError("unknown_appointment", "there is no such appointment", {"appointment": appt_id})
        return row

    def _appointment_view(self, row: Row[Any]) -> dict[str, Any]:
        return {
            "id": row.id,
            "matter": row.matter,
            "slot_start": self.iso(row.slot_start),
            "slot_end": self.iso(row.slot_end),
            "status": row.status,
            "reference": row.reference,
            "ticket": row.ticket_id,
        }

    def get_appointment(self, appt_id: str) -> dict[str, Any]:
        with self.store.read.connect() as conn:
            return self._appointment_view(self._appointment(conn, appt_id))
