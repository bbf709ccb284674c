"""The same resident today, recognised without their ID number: per-day secrets and person keys.

The back office keeps one random secret per business day (table day_keys) and hands it only to kiosk tokens.
A kiosk sends `person_key = HMAC-SHA256(secret, id_number)` (kiosk.client.person) with a ticket; the ID
number never leaves the kiosk. Within the day the key finds the person's tickets ("already waiting", "my
tickets today"); when the day is over housekeeping deletes the day's secret and clears its keys, after which
a leaked key cannot be tested against any ID number.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.service.base import ServiceBase
from kiosk.hall.writer import Tx

PERSON_KEY = re.compile(r"^[0-9a-f]{64}$")
_t = S.tickets.c
# One index seek on (day, person_key): a person has a handful of tickets a day.
_SELECT_PERSON = select(S.tickets).where(_t.day == bindparam("p_day"), _t.person_key == bindparam("p_key"))
_WAITING_STATUSES = [P.Status.WAITING.value, P.Status.CALLED.value, P.Status.SERVING.value]


def check_person_key(key: str) -> str:
    if not PERSON_KEY.match(key):
        raise HallError(
            "invalid_person_key", "person_key must be 64 lowercase hex digits (HMAC-SHA256 of the day key)"
        )
    return key


class Persons(ServiceBase):
    _day_secret: tuple[str, str] | None = None  # (business day, secret hex)
    # Days before this have had their person keys cleared: after the first pass, housekeeping reads only the
    # days that ended since, not every past ticket twice a minute.
    _persons_cleared_before = ""

    def day_key(self) -> dict[str, Any]:
        """Today's secret for kiosks, made on first use; kiosks must not keep it past `valid_until`."""
        now = self.clock()
        day = self.today(now)
        cached = self._day_secret
        if cached is None or cached[0] != day:

            def cmd(tx: Tx) -> tuple[str, str]:
                row = tx.conn.execute(select(S.day_keys.c.secret).where(S.day_keys.c.day == day)).first()
                if row is not None:
                    return (day, row.secret)
                secret = secrets.token_hex(32)
                tx.conn.execute(insert(S.day_keys).values(day=day, secret=secret, created_at=tx.now))
                return (day, secret)

            cached = self._day_secret = self.writer.run(cmd)
        _, end = self._day_bounds_of(day)
        return {
            "day": day,
            "key": cached[1],
            "algorithm": "HMAC-SHA256",
            "valid_until": self.iso(end),
            # Finds a booked appointment from the ID card (holder_key); lives as long as the hall.
            "appointment_key": self._hall_secret("appointments"),
        }

    def _hall_secret(self, name: str) -> str:
        """A long-lived secret of the hall, made on first use (not from a writer command: it may write)."""
        cache: dict[str, str] = self.__dict__.setdefault("_hall_secrets", {})
        if name not in cache:

            def cmd(tx: Tx) -> str:
                c = S.hall_secrets.c
                row = tx.conn.execute(select(c.secret).where(c.name == name)).first()
                if row is not None:
                    return str(row.secret)
                secret = secrets.token_hex(32)
                tx.conn.execute(insert(S.hall_secrets).values(name=name, secret=secret, created_at=tx.now))
                return secret

            cache[name] = self.writer.run(cmd)
        return cache[name]

    def _day_bounds_of(self, day: str) -> tuple[float, float]:
        return P.day_bounds(date.fromisoformat(day), self.tz, self.policy)

    def _check_not_waiting(
        self, conn: Connection, day: str, person_key: str, matter: str, now: float
    ) -> None:
        for row in conn.execute(_SELECT_PERSON, {"p_day": day, "p_key": person_key}).all():
            if row.matter == matter and row.status in _WAITING_STATUSES:
                raise HallError(
                    "already_waiting",
                    f"you already have ticket {row.number} for this matter today; it can be printed again",
                    {"ticket": self._ticket_view(conn, row, now)},
                )

    def person_tickets(self, person_key: str) -> dict[str, Any]:
        """Today's tickets of one person (进度查询), newest first; never why a ticket is green."""
        check_person_key(person_key)
        now = self.clock()
        day = self.today(now)
        with self.store.read.connect() as conn:
            rows = conn.execute(_SELECT_PERSON, {"p_day": day, "p_key": person_key}).all()
            tickets = [self._ticket_view(conn, r, now) for r in sorted(rows, key=lambda r: -r.issued_at)]
        return {"day": day, "tickets": tickets}

    def reprint(self, ticket_id: str) -> dict[str, Any]:
        """The same ticket printed again (补打): an event for the record, the view marked as a reprint."""

        def cmd(tx: Tx) -> dict[str, Any]:
            row = self._ticket(tx.conn, ticket_id)
            if row.day != self.today(tx.now):
                raise HallError("ticket_from_another_day", f"ticket {row.number} was issued on {row.day}")
            tx.emit("ticket.reprinted", {"ticket": self._ticket_brief(row, None)}, ticket_id=row.id)
            view = self._ticket_view(tx.conn, row, tx.now)
            view["reprint"] = True
            return view

        return self.writer.run(cmd)

    def _forget_past_persons(self, tx: Tx) -> str:
        """Past days' secrets and person keys go when their day is over (called by housekeeping).

        Returns the day before which all is cleared; the caller records it once the transaction commits."""
        today = self.today(tx.now)
        if self._persons_cleared_before == today:
            self._forget_past_holders(tx)
            return today
        tx.conn.execute(delete(S.day_keys).where(S.day_keys.c.day < today))
        self._forget_past_holders(tx)
        tx.conn.execute(
            update(S.tickets)
            .where(_t.day >= self._persons_cleared_before, _t.day < today, _t.person_key.is_not(None))
            .values(person_key=None)
        )
        return today

    def _forget_past_holders(self, tx: Tx) -> None:
        """Holder keys of appointments whose check-in window is over (checked-in ones are cleared at once)."""
        a = S.appointments.c
        tx.conn.execute(
            update(S.appointments)
            .where(a.holder_key.is_not(None), a.slot_start < tx.now - self.policy.appointment_late_s)
            .values(holder_key=None)
        )

    def _appointment_for_holder(self, conn: Connection, holder_key: str, now: float) -> str:
        """The booked appointment of the card's holder to check in now: one in its window, else a late one
        (which becomes an ordinary ticket), else an early one (refused as too early)."""
        a = S.appointments.c
        rows = conn.execute(
            select(S.appointments)
            .where(a.holder_key == holder_key, a.status == "booked")
            .order_by(a.slot_start)
        ).all()
        early, late = self.policy.appointment_early_s, self.policy.appointment_late_s
        for want in (
            lambda r: r.slot_start - early <= now <= r.slot_start + late,
            lambda r: now > r.slot_start + late,
            lambda r: True,
        ):
            for r in rows:
                if want(r):
                    return str(r.id)
        raise HallError("unknown_appointment", "no appointment is booked for this ID card", {})
