"""Appointments: booked by the booking system, checked in as tickets (see Tickets.issue_ticket)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.service.base import ServiceBase
from kiosk.hall.writer import Tx

log = logging.getLogger(__name__)


class Appointments(ServiceBase):
    # --- appointments -----------------------------------------------------------------------------

    def create_appointment(
        self, matter: str, slot_start: float, slot_end: float, reference: str | None = None
    ) -> dict[str, Any]:
        m = self._matter(matter)
        if slot_end <= slot_start:
            raise HallError("invalid_slot", "the slot must end after it starts")

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
                )
            )
            tx.emit(
                "appointment.created",
                {"appointment": {"id": appt_id, "matter": m.id, "slot_start": slot_start}},
            )
            return self._appointment_view(self._appointment(tx.conn, appt_id))

        return self.writer.run(cmd)

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
