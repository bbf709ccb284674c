"""Tickets: issue (idempotent), public view, reinstate, cancel, and the resident's rating."""

from __future__ import annotations

import json
import logging
import secrets
from concurrent.futures import Future
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.errors import ERRORS, HallError
from kiosk.hall.service import waiting as W
from kiosk.hall.service.base import (
    RATING_LEVELS,
    RATING_TAGS,
    IssueResult,
    Principal,
    _fingerprint,
)
from kiosk.hall.service.counts import counts_from_rows
from kiosk.hall.service.opening import Opening
from kiosk.hall.service.persons import Persons, check_person_key
from kiosk.hall.writer import Tx

log = logging.getLogger(__name__)


# The issue path's statements, built once (constructing them per call showed in the profile).
_c_idem = S.idempotency.c
_SELECT_IDEM = select(S.idempotency).where(
    _c_idem.token_id == bindparam("k_token"), _c_idem.key == bindparam("k_key")
)
_INSERT_IDEM = insert(S.idempotency)
_INSERT_TICKET = insert(S.tickets)
_c_seq = S.day_sequences.c
_BUMP_NUMBER = (
    update(S.day_sequences)
    .where(_c_seq.day == bindparam("s_day"), _c_seq.colour == bindparam("s_colour"))
    .values(last_number=_c_seq.last_number + 1)
    .returning(_c_seq.last_number)
)
_INSERT_NUMBER = insert(S.day_sequences)


class Tickets(Opening, Persons):
    # --- idempotency ------------------------------------------------------------------------------

    def _idem_lookup(self, conn: Connection, token_id: int, key: str, fp: str) -> IssueResult | None:
        row = conn.execute(_SELECT_IDEM, {"k_token": token_id, "k_key": key}).first()
        if row is None:
            return None
        if row.fingerprint != fp:
            raise HallError(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request; use a new key",
            )
        return IssueResult(row.status_code, json.loads(row.body), True)

    def _idem_store(self, tx: Tx, token_id: int, key: str, fp: str, result: IssueResult) -> None:
        tx.conn.execute(
            _INSERT_IDEM,
            {
                "token_id": token_id,
                "key": key,
                "fingerprint": fp,
                "status_code": result.status_code,
                "body": json.dumps(result.body, ensure_ascii=False),
                "created_at": tx.now,
            },
        )

    # --- tickets ----------------------------------------------------------------------------------

    def issue_ticket(
        self,
        matter: str | None,
        green_reason: str | None = None,
        appointment: str | None = None,
        *,
        principal: Principal | None = None,
        idempotency_key: str | None = None,
        person_key: str | None = None,
        holder_key: str | None = None,
    ) -> IssueResult:
        """Issue a ticket (or check in an appointment). Safe to retry with the same idempotency key."""
        return self.submit_issue(
            matter,
            green_reason,
            appointment,
            principal=principal,
            idempotency_key=idempotency_key,
            person_key=person_key,
            holder_key=holder_key,
        ).result(30.0)

    def submit_issue(
        self,
        matter: str | None,
        green_reason: str | None = None,
        appointment: str | None = None,
        *,
        principal: Principal | None = None,
        idempotency_key: str | None = None,
        person_key: str | None = None,
        holder_key: str | None = None,
    ) -> Future[IssueResult]:
        """`issue_ticket` without waiting: the future resolves once the ticket is committed.

        With `person_key` (kiosk.hall.service.persons) the same person waiting for the same matter today is
        refused with `already_waiting` and their ticket, instead of a second number."""
        if green_reason is not None and green_reason not in P.GREEN_REASONS:
            raise HallError("invalid_request", f"green_reason must be one of {', '.join(P.GREEN_REASONS)}")
        payload = {"matter": matter, "green_reason": green_reason, "appointment": appointment}
        if person_key is not None:
            payload["person_key"] = check_person_key(person_key)
        if holder_key is not None:  # check-in by ID card: the appointment is found from the card
            payload["holder_key"] = check_person_key(holder_key)
        fp = _fingerprint("issue", payload)

        # What a kiosk must check before giving a number; staff issuing at a counter decide for themselves
        # (号已取完 sends the resident to the window).
        resident = principal is None or principal.role == "kiosk"

        def cmd(tx: Tx) -> IssueResult:
            if principal is not None and idempotency_key is not None:
                replay = self._idem_lookup(tx.conn, principal.token_id, idempotency_key, fp)
                if replay is not None:
                    return replay
            appt = appointment
            if holder_key is not None:
                appt = self._appointment_for_holder(tx.conn, holder_key, tx.now)
            result = self._issue(tx, matter, green_reason, appt, resident, person_key)
            if principal is not None and idempotency_key is not None:
                self._idem_store(tx, principal.token_id, idempotency_key, fp, result)
            return result

        return self.writer.submit(cmd)

    def _issue(
        self,
        tx: Tx,
        matter_id: str | None,
        green_reason: str | None,
        appointment_id: str | None,
        resident: bool = False,
        person_key: str | None = None,
    ) -> IssueResult:
        conn, now = tx.conn, tx.now
        late_for: str | None = None
        if resident:
            self._check_hall_open(now)
        appt_start: float | None = None
        if appointment_id is not None:
            a = conn.execute(select(S.appointments).where(S.appointments.c.id == appointment_id)).first()
            if a is None:
                raise HallError(
                    "unknown_appointment", "there is no such appointment", {"appointment": appointment_id}
                )
            if a.status != "booked":
                details: dict[str, Any] = {"appointment": a.id, "status": a.status}
                if a.ticket_id:
                    t = self._ticket(conn, a.ticket_id)
                    details["ticket"] = {"id": t.id, "number": t.number}
                raise HallError("appointment_not_booked", f"this appointment is already {a.status}", details)
            if matter_id is not None and matter_id != a.matter:
                raise HallError(
                    "appointment_matter_mismatch", f"the appointment is for {a.matter!r}, not {matter_id!r}"
                )
            if now < a.slot_start - self.policy.appointment_early_s:
                raise HallError(
                    "appointment_too_early",
                    f"check-in opens at {self.iso(a.slot_start - self.policy.appointment_early_s)}",
                )
            matter_id = a.matter
            if now > a.slot_start + self.policy.appointment_late_s:
                # Late: the slot is lost, not the visit. An ordinary ticket, and the answer says why.
                conn.execute(
                    update(S.appointments)
                    .where(S.appointments.c.id == a.id)
                    .values(status="expired", holder_key=None)
                )
                tx.emit("appointment.expired", {"appointment": {"id": a.id, "matter": a.matter}})
                late_for = appointment_id
                appointment_id = None
            else:
                appt_start = a.slot_start
        if matter_id is None:
            raise HallError("invalid_request", "give a matter (or an appointment)")
        matter = self._matter(matter_id)
        colour = P.choose_colour(matter.enterprise, green_reason)
        day = self.today(now)
        if person_key is not None:
            self._check_not_waiting(conn, day, person_key, matter.id, now)
        if resident and appointment_id is None:  # a booked slot is the appointment's own ticket hour
            self._check_ticket_hours(now, matter)
            self._take_quota(conn, day, matter)
        n = self._next_number(conn, day, colour)
        ticket_id = secrets.token_urlsafe(16)
        values = {
            "id": ticket_id,
            "day": day,
            "colour": colour.value,
            "number": P.format_number(colour, n),
            "matter": matter.id,
            "status": P.Status.WAITING.value,
            "green_reason": green_reason,
            "appointment_id": appointment_id,
            "appointment_start": appt_start,
            "position": float(n),
            "wait_start": max(now, appt_start) if appt_start is not None else now,
            "issued_at": now,
            "called_at": None,
            "started_at": None,
            "finished_at": None,
            "counter_id": None,
            "recalls": 0,
            "transfers": 0,
            "rating": None,
            "person_key": person_key,
        }
        conn.execute(_INSERT_TICKET, values)
        if appointment_id is not None:
            conn.execute(
                update(S.appointments)
                .where(S.appointments.c.id == appointment_id)
                .values(status="checked_in", ticket_id=ticket_id, holder_key=None)
            )
        row = SimpleNamespace(**values)  # what was just inserted; reading it back would cost a query
        ahead: tuple[int, int] | None = None
        counts: dict[str, Any] | None = None
        if not P.is_begun(W.candidate(row), now):
            # Its place in the queue and the event's waiting counts come from one read.
            shared, open_counters = self._sharing(conn, matter.id)
            n_ahead, day_rows = W.ahead_and_day_counts(conn, row, shared, now, self.policy)
            wait = P.estimate_wait_s(n_ahead, self._mean_service_s(conn, matter.id), open_counters)
            ahead, counts = (n_ahead, wait), counts_from_rows(day_rows)
        view = self._ticket_view(conn, row, now, ahead=ahead)
        tx.emit(
            "ticket.issued",
            {"ticket": self._ticket_brief(row, None), "appointment": appointment_id is not None},
            ticket_id=ticket_id,
            annotation=counts,
        )
        if late_for is not None:
            view["notice"] = {
                "code": "appointment_expired",
                "message": "the check-in time of your appointment has passed; this is an ordinary ticket",
                "message_zh": ERRORS["appointment_expired"][1],
                "appointment": late_for,
            }
        return IssueResult(201, view, False)

    def _next_number(self, conn: Connection, day: str, colour: P.Colour) -> int:
        # Bumped in the ticket's own transaction: a number is never issued twice, even across a crash.
        n = conn.execute(_BUMP_NUMBER, {"s_day": day, "s_colour": colour.value}).scalar()
        if n is None:
            conn.execute(_INSERT_NUMBER, {"day": day, "colour": colour.value, "last_number": 1})
            return 1
        return int(n)

    def get_ticket(self, ticket_id: str, staff: bool = False) -> dict[str, Any]:
        with self.store.read.connect() as conn:
            return self._ticket_view(conn, self._ticket(conn, ticket_id), self.clock(), staff)

    # --- tickets: staff actions by ticket ----------------------------------------------------------

    def reinstate(self, ticket_id: str) -> dict[str, Any]:
        """A no-show who comes back goes `requeue_offset` tickets back in its colour."""

        def cmd(tx: Tx) -> dict[str, Any]:
            ticket = self._ticket(tx.conn, ticket_id)
            if ticket.day != self.today(tx.now):
                raise HallError(
                    "ticket_from_another_day", f"ticket {ticket.number} was issued on {ticket.day}"
                )
            self._transition(ticket, "reinstate")
            shared, _ = self._sharing(tx.conn, ticket.matter)
            positions = self._colour_positions(tx.conn, ticket, shared)
            pos = P.requeue_position(positions, self.policy.requeue_offset, ticket.position)
            return self._set_ticket(
                tx,
                ticket,
                None,
                "ticket.reinstated",
                status=P.Status.WAITING.value,
                position=pos,
                wait_start=tx.now,
                counter_id=None,
                called_at=None,
                finished_at=None,
                recalls=0,
            )

        return self.writer.run(cmd)

    def cancel(self, ticket_id: str) -> dict[str, Any]:
        def cmd(tx: Tx) -> dict[str, Any]:
            ticket = self._ticket(tx.conn, ticket_id)
            self._transition(ticket, "cancel")
            return self._set_ticket(
                tx, ticket, None, "ticket.cancelled", status=P.Status.CANCELLED.value, finished_at=tx.now
            )

        return self.writer.run(cmd)

    def rate(self, ticket_id: str, level: int, tags: list[str]) -> dict[str, Any]:
        """Record the 好差评 of a finished ticket: once, voluntary, reasons only for the lower two levels."""
        return self.rate_once(ticket_id, level, tags).body

    def rate_once(
        self,
        ticket_id: str,
        level: int,
        tags: list[str],
        *,
        principal: Principal | None = None,
        idempotency_key: str | None = None,
    ) -> IssueResult:
        """`rate`, safe to redeliver: the same key from the same device returns the first answer.

        A device's outbox resends a rating whose answer it never saw; without the key that resend would be
        refused as already rated, and the device could not tell its own rating from someone else's.
        """
        if level not in RATING_LEVELS:
            raise HallError("invalid_rating", "level must be 1 (非常不满意) … 5 (非常满意)")
        unknown = [x for x in tags if x not in RATING_TAGS]
        if unknown:
            raise HallError("invalid_rating", f"unknown reason tags {unknown}; use {', '.join(RATING_TAGS)}")
        if tags and level > 2:
            raise HallError("invalid_rating", "reason tags are only given with 不满意 or 非常不满意")

        fp = _fingerprint("rate", {"ticket": ticket_id, "level": level, "tags": tags})
        key = idempotency_key if principal is not None else None
        token_id = principal.token_id if principal is not None else 0

        def cmd(tx: Tx) -> IssueResult:
            if key is not None:
                replay = self._idem_lookup(tx.conn, token_id, key, fp)
                if replay is not None:
                    return replay
            ticket = self._ticket(tx.conn, ticket_id)
            if ticket.status != P.Status.DONE:
                raise HallError("ticket_not_done", f"ticket {ticket.number} is {ticket.status}, not done")
            if ticket.rating is not None:
                raise HallError("already_rated", f"ticket {ticket.number} has been rated already")
            tx.conn.execute(
                insert(S.ratings).values(
                    ticket_id=ticket.id,
                    level=level,
                    tags=json.dumps(tags),
                    counter_id=ticket.counter_id,
                    created_at=tx.now,
                )
            )
            tx.conn.execute(update(S.tickets).where(S.tickets.c.id == ticket.id).values(rating=level))
            tx.emit(
                "ticket.rated",
                {
                    "ticket": {
                        "id": ticket.id,
                        "number": ticket.number,
                        "colour": ticket.colour,
                        "matter": ticket.matter,
                        "counter": ticket.counter_id,
                    },
                    "level": level,
                    "tags": tags,
                },
                ticket_id=ticket.id,
                counter_id=ticket.counter_id,
            )
            body = {"ticket": ticket.id, "level": level, "label_zh": RATING_LEVELS[level], "tags": tags}
            result = IssueResult(201, body, False)
            if key is not None:
                self._idem_store(tx, token_id, key, fp, result)
            return result

        return self.writer.run(cmd)
