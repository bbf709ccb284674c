"""The hall service layer: the only way anything (API, kiosk UI, CLI) reads or changes the hall's state.

Changes run as commands on the single writer thread (kiosk.hall.writer); the rules they apply come from the
pure policy (kiosk.hall.policy). Every change emits events in the same transaction, so statistics, call
boards and audit all see exactly what was committed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, and_, delete, func, insert, select, update

from kiosk.config import Config
from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.catalogue import Catalogue, Matter
from kiosk.hall.errors import HallError
from kiosk.hall.events import Event, EventHub, event_from_row
from kiosk.hall.stats import compute_stats
from kiosk.hall.store import Store
from kiosk.hall.writer import Tx, Writer

log = logging.getLogger(__name__)

ROLES = ("kiosk", "display", "counter", "technician", "admin")
RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
RATING_TAGS = ("efficiency", "competence", "attitude", "guidance", "environment", "other")
DEVICE_STATES = ("ok", "degraded", "fault")
TOKEN_CACHE_S = 2.0


@dataclass(frozen=True, slots=True)
class Principal:
    token_id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class IssueResult:
    status_code: int  # 201 for a new ticket; a replay returns what the first request got
    body: dict[str, Any]
    replayed: bool


def _fingerprint(op: str, payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps([op, payload], sort_keys=True).encode()).hexdigest()


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class HallService:
    def __init__(
        self, config: Config, catalogue: Catalogue, store: Store, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.policy = config.queue
        self.catalogue = catalogue
        self.store = store
        self.tz = ZoneInfo(config.hall.timezone)
        self.clock = clock
        with store.read.connect() as conn:
            last = conn.execute(select(func.max(S.events.c.seq))).scalar() or 0
        self.hub = EventHub(int(last))
        self.writer = Writer(store.write, self.hub.publish, clock)
        self._tokens: dict[str, tuple[float, Principal | None]] = {}
        self._tokens_lock = threading.Lock()
        self._housekeeping_stop = threading.Event()
        self._housekeeping: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------------------

    def start_housekeeping(self, interval_s: float = 30.0) -> None:
        """Expire yesterday's unfinished tickets and forget old idempotency keys, now and periodically."""
        self.housekeep()

        def loop() -> None:
            while not self._housekeeping_stop.wait(interval_s):
                try:
                    self.housekeep()
                except HallError as exc:
                    log.warning("housekeeping skipped: %s", exc.message)

        self._housekeeping = threading.Thread(target=loop, name="hall-housekeeping", daemon=True)
        self._housekeeping.start()

    def close(self) -> None:
        self._housekeeping_stop.set()
        self.writer.close()

    # --- small helpers ----------------------------------------------------------------------------

    def today(self, now: float | None = None) -> str:
        return P.business_day(self.clock() if now is None else now, self.tz, self.policy).isoformat()

    def iso(self, ts: float | None) -> str | None:
        return None if ts is None else datetime.fromtimestamp(ts, self.tz).isoformat(timespec="seconds")

    def _matter(self, matter_id: str) -> Matter:
        m = self.catalogue.matter(matter_id)
        if m is None:
            raise HallError(
                "unknown_matter", f"there is no matter {matter_id!r} in the catalogue", {"matter": matter_id}
            )
        return m

    def _served(self, counter: Row[Any]) -> set[str]:
        served = set(json.loads(counter.matters))
        for g in json.loads(counter.groups):
            served.update(m.id for m in self.catalogue.group_matters(g))
        return served

    def _counter(self, conn: Connection, counter_id: str) -> Row[Any]:
        row = conn.execute(select(S.counters).where(S.counters.c.id == counter_id)).first()
        if row is None:
            raise HallError("unknown_counter", f"there is no counter {counter_id!r}", {"counter": counter_id})
        return row

    def _ticket(self, conn: Connection, ticket_id: str) -> Row[Any]:
        row = conn.execute(select(S.tickets).where(S.tickets.c.id == ticket_id)).first()
        if row is None:
            raise HallError("unknown_ticket", "there is no such ticket", {"ticket": ticket_id})
        return row

    def _sharing(self, conn: Connection, matter: str) -> tuple[set[str], int]:
        """Matters whose tickets compete with `matter`'s for its counters, and how many of those are open.

        With no counter configured for the matter yet, its catalogue counter group stands in.
        """
        shared: set[str] = set()
        open_counters = 0
        for c in conn.execute(select(S.counters)).all():
            served = self._served(c)
            if matter in served:
                shared |= served
                open_counters += not c.paused
        if not shared:
            m = self.catalogue.matter(matter)
            shared = {x.id for x in self.catalogue.group_matters(m.counter_group)} if m else {matter}
        return shared, open_counters

    def _mean_service_s(self, conn: Connection, matter: str) -> float:
        t = S.tickets.c
        rows = conn.execute(
            select(t.started_at, t.finished_at)
            .where(t.matter == matter, t.finished_at.is_not(None), t.started_at.is_not(None))
            .order_by(t.finished_at.desc())
            .limit(self.policy.estimate_window)
        ).all()
        if rows:
            return sum(r.finished_at - r.started_at for r in rows) / len(rows)
        m = self.catalogue.matter(matter)
        return float(m.avg_service_s) if m else 600.0

    def _ahead(self, conn: Connection, ticket: Row[Any], now: float) -> tuple[int, int]:
        """(waiting ahead, estimated wait in seconds) of a waiting ticket."""
        shared, open_counters = self._sharing(conn, ticket.matter)
        t = S.tickets.c
        base = and_(
            t.status == P.Status.WAITING, t.day == ticket.day, t.matter.in_(shared), t.id != ticket.id
        )
        colour = P.Colour(ticket.colour)
        if ticket.appointment_start is not None and ticket.appointment_start <= now:
            same_cond = and_(
                t.appointment_start.is_not(None), t.appointment_start <= ticket.appointment_start
            )
        else:
            same_cond = t.position < ticket.position
        same = conn.execute(select(func.count()).where(base, t.colour == colour, same_cond)).scalar() or 0
        higher_colours = [c.value for c in P.Colour if c.rank < colour.rank]
        higher = 0
        if higher_colours:
            higher = (
                conn.execute(select(func.count()).where(base, t.colour.in_(higher_colours))).scalar() or 0
            )
        ahead = P.ahead_from_counts(colour, same, higher, self.policy)
        return ahead, P.estimate_wait_s(ahead, self._mean_service_s(conn, ticket.matter), open_counters)

    def _window(self, conn: Connection, counter_id: str | None) -> int | None:
        if counter_id is None:
            return None
        row = conn.execute(select(S.counters.c.window).where(S.counters.c.id == counter_id)).first()
        return row.window if row else None

    def _ticket_brief(self, row: Row[Any], window: int | None) -> dict[str, Any]:
        """What events and call boards carry about a ticket: public facts only, never why it is green."""
        return {
            "id": row.id,
            "number": row.number,
            "colour": row.colour,
            "matter": row.matter,
            "status": row.status,
            "counter": row.counter_id,
            "window": window,
        }

    def _ticket_view(
        self, conn: Connection, row: Row[Any], now: float, staff: bool = False
    ) -> dict[str, Any]:
        m = self.catalogue.matter(row.matter)
        view = self._ticket_brief(row, self._window(conn, row.counter_id))
        view.update(
            matter_name_zh=m.name_zh if m else row.matter,
            matter_name_en=m.name_en if m else row.matter,
            day=row.day,
            issued_at=self.iso(row.issued_at),
            called_at=self.iso(row.called_at),
            appointment=row.appointment_id is not None,
            waiting_ahead=None,
            estimated_wait_s=None,
        )
        if row.status == P.Status.WAITING:
            view["waiting_ahead"], view["estimated_wait_s"] = self._ahead(conn, row, now)
        if staff:
            view["green_reason"] = row.green_reason
            view["recalls"] = row.recalls
        return view

    # --- idempotency ------------------------------------------------------------------------------

    def _idem_lookup(self, conn: Connection, token_id: int, key: str, fp: str) -> IssueResult | None:
        c = S.idempotency.c
        row = conn.execute(select(S.idempotency).where(c.token_id == token_id, c.key == key)).first()
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
            insert(S.idempotency).values(
                token_id=token_id,
                key=key,
                fingerprint=fp,
                status_code=result.status_code,
                body=json.dumps(result.body, ensure_ascii=False),
                created_at=tx.now,
            )
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
    ) -> IssueResult:
        """Issue a ticket (or check in an appointment). Safe to retry with the same idempotency key."""
        if green_reason is not None and green_reason not in P.GREEN_REASONS:
            raise HallError("invalid_request", f"green_reason must be one of {', '.join(P.GREEN_REASONS)}")
        fp = _fingerprint(
            "issue", {"matter": matter, "green_reason": green_reason, "appointment": appointment}
        )

        def cmd(tx: Tx) -> IssueResult:
            if principal is not None and idempotency_key is not None:
                replay = self._idem_lookup(tx.conn, principal.token_id, idempotency_key, fp)
                if replay is not None:
                    return replay
            result = self._issue(tx, matter, green_reason, appointment)
            if principal is not None and idempotency_key is not None:
                self._idem_store(tx, principal.token_id, idempotency_key, fp, result)
            return result

        return self.writer.run(cmd)

    def _issue(
        self, tx: Tx, matter_id: str | None, green_reason: str | None, appointment_id: str | None
    ) -> IssueResult:
        conn, now = tx.conn, tx.now
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
            if now > a.slot_start + self.policy.appointment_late_s:
                raise HallError(
                    "appointment_expired",
                    "the check-in time of this appointment has passed; take an ordinary ticket",
                )
            matter_id = a.matter
            appt_start = a.slot_start
        if matter_id is None:
            raise HallError("invalid_request", "give a matter (or an appointment)")
        matter = self._matter(matter_id)
        colour = P.choose_colour(matter.enterprise, green_reason)
        day = self.today(now)
        n = self._next_number(conn, day, colour)
        ticket_id = secrets.token_urlsafe(16)
        conn.execute(
            insert(S.tickets).values(
                id=ticket_id,
                day=day,
                colour=colour.value,
                number=P.format_number(colour, n),
                matter=matter.id,
                status=P.Status.WAITING.value,
                green_reason=green_reason,
                appointment_id=appointment_id,
                appointment_start=appt_start,
                position=float(n),
                wait_start=max(now, appt_start) if appt_start is not None else now,
                issued_at=now,
                recalls=0,
                transfers=0,
            )
        )
        if appointment_id is not None:
            conn.execute(
                update(S.appointments)
                .where(S.appointments.c.id == appointment_id)
                .values(status="checked_in", ticket_id=ticket_id)
            )
        row = self._ticket(conn, ticket_id)
        view = self._ticket_view(conn, row, now)
        tx.emit(
            "ticket.issued",
            {"ticket": self._ticket_brief(row, None), "appointment": appointment_id is not None},
            ticket_id=ticket_id,
        )
        return IssueResult(201, view, False)

    def _next_number(self, conn: Connection, day: str, colour: P.Colour) -> int:
        # Bumped in the ticket's own transaction: a number is never issued twice, even across a crash.
        c = S.day_sequences.c
        res = conn.execute(
            update(S.day_sequences)
            .where(c.day == day, c.colour == colour.value)
            .values(last_number=c.last_number + 1)
        )
        if res.rowcount == 0:
            conn.execute(insert(S.day_sequences).values(day=day, colour=colour.value, last_number=1))
            return 1
        return int(
            conn.execute(select(c.last_number).where(c.day == day, c.colour == colour.value)).scalar_one()
        )

    def get_ticket(self, ticket_id: str, staff: bool = False) -> dict[str, Any]:
        with self.store.read.connect() as conn:
            return self._ticket_view(conn, self._ticket(conn, ticket_id), self.clock(), staff)

    # --- counters: calling and serving ------------------------------------------------------------

    def _active_at(self, conn: Connection, counter_id: str) -> Row[Any] | None:
        t = S.tickets.c
        return conn.execute(
            select(S.tickets).where(
                t.counter_id == counter_id, t.status.in_([P.Status.CALLED, P.Status.SERVING])
            )
        ).first()

    def _ready_counter(self, conn: Connection, counter_id: str) -> Row[Any]:
        counter = self._counter(conn, counter_id)
        if counter.paused:
            raise HallError("counter_paused", f"counter {counter_id} is paused; resume it first")
        busy = self._active_at(conn, counter_id)
        if busy is not None:
            raise HallError(
                "counter_busy",
                f"ticket {busy.number} is still {busy.status} at this counter; finish it or mark it "
                "no-show first",
                {"ticket": {"id": busy.id, "number": busy.number}},
            )
        return counter

    def _mark_called(
        self, tx: Tx, counter: Row[Any], ticket: Row[Any], streak: int, reason: str
    ) -> dict[str, Any]:
        t = S.tickets.c
        res = tx.conn.execute(
            update(S.tickets)
            .where(t.id == ticket.id, t.status == P.Status.WAITING)
            .values(status=P.Status.CALLED.value, counter_id=counter.id, called_at=tx.now, recalls=0)
        )
        if res.rowcount != 1:  # the writer is single-threaded, so this would be a bug, not a race
            raise HallError("ticket_not_waiting", f"ticket {ticket.number} is no longer waiting")
        tx.conn.execute(update(S.counters).where(S.counters.c.id == counter.id).values(streak=streak))
        row = self._ticket(tx.conn, ticket.id)
        tx.emit(
            "ticket.called",
            {"ticket": self._ticket_brief(row, counter.window), "reason": reason},
            ticket_id=row.id,
            counter_id=counter.id,
        )
        return self._ticket_view(tx.conn, row, tx.now, staff=True)

    def call_next(self, counter_id: str) -> dict[str, Any] | None:
        def cmd(tx: Tx) -> dict[str, Any] | None:
            counter = self._ready_counter(tx.conn, counter_id)
            served = self._served(counter)
            t = S.tickets.c
            rows = tx.conn.execute(
                select(S.tickets).where(
                    t.status == P.Status.WAITING, t.day == self.today(tx.now), t.matter.in_(served)
                )
            ).all()
            by_id = {r.id: r for r in rows}
            cands = [
                P.Candidate(r.id, P.Colour(r.colour), r.position, r.wait_start, r.appointment_start)
                for r in rows
            ]
            decision = P.choose_next(cands, counter.streak, tx.now, self.policy)
            if decision is None:
                return None
            return self._mark_called(tx, counter, by_id[decision.ticket_id], decision.streak, decision.reason)

        return self.writer.run(cmd)

    def call_ticket(self, counter_id: str, ticket_id: str) -> dict[str, Any]:
        """Call one chosen waiting ticket out of order (e.g. a resident staff have checked in person)."""

        def cmd(tx: Tx) -> dict[str, Any]:
            ticket = self._ticket(tx.conn, ticket_id)
            if ticket.day != self.today(tx.now):
                raise HallError(
                    "ticket_from_another_day", f"ticket {ticket.number} was issued on {ticket.day}"
                )
            self._transition(ticket, "call")
            counter = self._ready_counter(tx.conn, counter_id)
            if ticket.matter not in self._served(counter):
                raise HallError(
                    "matter_not_served",
                    f"counter {counter_id} does not serve {ticket.matter!r}",
                    {"matter": ticket.matter},
                )
            streak = 0 if ticket.colour == P.Colour.BLUE else counter.streak + 1
            return self._mark_called(tx, counter, ticket, streak, "chosen")

        return self.writer.run(cmd)

    def _transition(self, ticket: Row[Any], action: str) -> P.Status:
        try:
            return P.transition(P.Status(ticket.status), action, ticket.recalls, self.policy)
        except P.TransitionError as exc:
            raise HallError(
                exc.code,
                f"ticket {ticket.number}: {exc.message}",
                {"ticket": {"id": ticket.id, "number": ticket.number, "status": ticket.status}},
            ) from exc

    def _counter_action(
        self, counter_id: str, action: str, apply: Callable[[Tx, Row[Any], Row[Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        def cmd(tx: Tx) -> dict[str, Any]:
            counter = self._counter(tx.conn, counter_id)
            ticket = self._active_at(tx.conn, counter_id)
            if ticket is None:
                raise HallError("no_current_ticket", f"counter {counter_id} has no called or serving ticket")
            self._transition(ticket, action)
            return apply(tx, counter, ticket)

        return self.writer.run(cmd)

    def _set_ticket(
        self,
        tx: Tx,
        ticket: Row[Any],
        counter: Row[Any] | None,
        event: str,
        extra: dict[str, Any] | None = None,
        **values: Any,
    ) -> dict[str, Any]:
        tx.conn.execute(update(S.tickets).where(S.tickets.c.id == ticket.id).values(**values))
        row = self._ticket(tx.conn, ticket.id)
        window = counter.window if counter is not None else None
        data = {"ticket": self._ticket_brief(row, window), **(extra or {})}
        tx.emit(event, data, ticket_id=row.id, counter_id=counter.id if counter is not None else None)
        return self._ticket_view(tx.conn, row, tx.now, staff=True)

    def recall(self, counter_id: str) -> dict[str, Any]:
        return self._counter_action(
            counter_id,
            "recall",
            lambda tx, c, t: self._set_ticket(
                tx, t, c, "ticket.recalled", {"recall": t.recalls + 1}, recalls=t.recalls + 1
            ),
        )

    def no_show(self, counter_id: str) -> dict[str, Any]:
        return self._counter_action(
            counter_id,
            "no_show",
            lambda tx, c, t: self._set_ticket(
                tx, t, c, "ticket.no_show", status=P.Status.NO_SHOW.value, finished_at=tx.now
            ),
        )

    def start(self, counter_id: str) -> dict[str, Any]:
        return self._counter_action(
            counter_id,
            "start",
            lambda tx, c, t: self._set_ticket(
                tx, t, c, "ticket.started", status=P.Status.SERVING.value, started_at=tx.now
            ),
        )

    def finish(self, counter_id: str) -> dict[str, Any]:
        return self._counter_action(
            counter_id,
            "finish",
            lambda tx, c, t: self._set_ticket(
                tx,
                t,
                c,
                "ticket.finished",
                {"service_s": round(tx.now - (t.started_at or tx.now), 3)},
                status=P.Status.DONE.value,
                finished_at=tx.now,
            ),
        )

    def transfer(self, counter_id: str, matter_id: str) -> dict[str, Any]:
        """Send the ticket being served to another matter's queue, first in its colour, keeping its number."""
        target = self._matter(matter_id)

        def apply(tx: Tx, counter: Row[Any], ticket: Row[Any]) -> dict[str, Any]:
            shared, _ = self._sharing(tx.conn, target.id)
            pos = P.front_position(self._colour_positions(tx.conn, ticket, shared), ticket.position)
            return self._set_ticket(
                tx,
                ticket,
                counter,
                "ticket.transferred",
                {
                    "from_matter": ticket.matter,
                    "to_matter": target.id,
                    "service_s": round(tx.now - (ticket.started_at or tx.now), 3),
                },
                status=P.Status.WAITING.value,
                matter=target.id,
                position=pos,
                wait_start=tx.now,
                counter_id=None,
                called_at=None,
                started_at=None,
                recalls=0,
                transfers=ticket.transfers + 1,
            )

        return self._counter_action(counter_id, "transfer", apply)

    def _colour_positions(self, conn: Connection, ticket: Row[Any], shared: Iterable[str]) -> list[float]:
        t = S.tickets.c
        return list(
            conn.execute(
                select(t.position).where(
                    t.status == P.Status.WAITING,
                    t.day == ticket.day,
                    t.colour == ticket.colour,
                    t.matter.in_(list(shared)),
                    t.id != ticket.id,
                )
            ).scalars()
        )

    def set_paused(self, counter_id: str, paused: bool) -> dict[str, Any]:
        def cmd(tx: Tx) -> dict[str, Any]:
            counter = self._counter(tx.conn, counter_id)
            if counter.paused != paused:
                tx.conn.execute(
                    update(S.counters)
                    .where(S.counters.c.id == counter_id)
                    .values(paused=paused, updated_at=tx.now)
                )
                tx.emit(
                    "counter.paused" if paused else "counter.resumed",
                    {"counter": {"id": counter.id, "window": counter.window}},
                    counter_id=counter.id,
                )
            return self._counter_view(tx.conn, self._counter(tx.conn, counter_id))

        return self.writer.run(cmd)

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
        if level not in RATING_LEVELS:
            raise HallError("invalid_rating", "level must be 1 (非常不满意) … 5 (非常满意)")
        unknown = [x for x in tags if x not in RATING_TAGS]
        if unknown:
            raise HallError("invalid_rating", f"unknown reason tags {unknown}; use {', '.join(RATING_TAGS)}")
        if tags and level > 2:
            raise HallError("invalid_rating", "reason tags are only given with 不满意 or 非常不满意")

        def cmd(tx: Tx) -> dict[str, Any]:
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
            return {"ticket": ticket.id, "level": level, "label_zh": RATING_LEVELS[level], "tags": tags}

        return self.writer.run(cmd)

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

    # --- counters: configuration ------------------------------------------------------------------

    def _counter_view(self, conn: Connection, row: Row[Any]) -> dict[str, Any]:
        active = self._active_at(conn, row.id)
        return {
            "id": row.id,
            "window": row.window,
            "name_zh": row.name_zh,
            "name_en": row.name_en,
            "matters": json.loads(row.matters),
            "groups": json.loads(row.groups),
            "paused": row.paused,
            "serves": sorted(self._served(row)),
            "current": self._ticket_brief(active, row.window) if active is not None else None,
        }

    def put_counter(
        self, counter_id: str, window: int, name_zh: str, name_en: str, matters: list[str], groups: list[str]
    ) -> tuple[dict[str, Any], bool]:
        """Create or replace a counter's configuration; returns (view, created)."""
        for m in matters:
            self._matter(m)
        known = {g.id for g in self.catalogue.counter_groups}
        for g in groups:
            if g not in known:
                raise HallError(
                    "unknown_group", f"there is no counter group {g!r}; use {', '.join(sorted(known))}"
                )

        def cmd(tx: Tx) -> tuple[dict[str, Any], bool]:
            c = S.counters.c
            values = {
                "window": window,
                "name_zh": name_zh,
                "name_en": name_en,
                "matters": json.dumps(sorted(set(matters))),
                "groups": json.dumps(sorted(set(groups))),
                "updated_at": tx.now,
            }
            res = tx.conn.execute(update(S.counters).where(c.id == counter_id).values(**values))
            created = res.rowcount == 0
            if created:
                tx.conn.execute(insert(S.counters).values(id=counter_id, paused=False, streak=0, **values))
            view = self._counter_view(tx.conn, self._counter(tx.conn, counter_id))
            tx.emit(
                "counter.updated",
                {
                    "counter": {
                        k: view[k]
                        for k in ("id", "window", "name_zh", "name_en", "matters", "groups", "paused")
                    }
                },
                counter_id=counter_id,
            )
            return view, created

        return self.writer.run(cmd)

    def delete_counter(self, counter_id: str) -> None:
        def cmd(tx: Tx) -> None:
            counter = self._counter(tx.conn, counter_id)
            if self._active_at(tx.conn, counter_id) is not None:
                raise HallError(
                    "counter_has_active_ticket", f"counter {counter_id} still has a called or serving ticket"
                )
            tx.conn.execute(delete(S.counters).where(S.counters.c.id == counter_id))
            tx.emit(
                "counter.removed",
                {"counter": {"id": counter.id, "window": counter.window}},
                counter_id=counter_id,
            )

        self.writer.run(cmd)

    def list_counters(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            rows = conn.execute(select(S.counters).order_by(S.counters.c.window, S.counters.c.id)).all()
            return [self._counter_view(conn, r) for r in rows]

    def get_counter(self, counter_id: str) -> dict[str, Any]:
        with self.store.read.connect() as conn:
            return self._counter_view(conn, self._counter(conn, counter_id))

    # --- the queue as a whole ---------------------------------------------------------------------

    def queue_snapshot(self) -> dict[str, Any]:
        """Public snapshot for call boards: counts, who is at which window, last calls. No personal data."""
        now = self.clock()
        day = self.today(now)
        t = S.tickets.c
        with self.store.read.connect() as conn:
            waiting = {c.value: 0 for c in P.Colour}
            by_matter: dict[str, dict[str, int]] = {}
            for matter, colour, n in conn.execute(
                select(t.matter, t.colour, func.count())
                .where(t.status == P.Status.WAITING, t.day == day)
                .group_by(t.matter, t.colour)
            ):
                waiting[colour] += n
                by_matter.setdefault(matter, {c.value: 0 for c in P.Colour})[colour] = n
            counters = [
                self._counter_view(conn, r)
                for r in conn.execute(select(S.counters).order_by(S.counters.c.window, S.counters.c.id)).all()
            ]
            windows = {c["id"]: c["window"] for c in counters}
            recent = conn.execute(
                select(S.tickets)
                .where(t.day == day, t.called_at.is_not(None))
                .order_by(t.called_at.desc())
                .limit(8)
            ).all()
            return {
                "day": day,
                "time": self.iso(now),
                "waiting": waiting,
                "waiting_by_matter": by_matter,
                "counters": [
                    {k: c[k] for k in ("id", "window", "name_zh", "name_en", "paused", "current")}
                    for c in counters
                ],
                "recent_calls": [
                    dict(
                        self._ticket_brief(r, windows.get(r.counter_id or "")),
                        called_at=self.iso(r.called_at),
                    )
                    for r in recent
                ],
                "last_seq": self.hub.last_seq,
            }

    # --- events and statistics --------------------------------------------------------------------

    def events_since(self, seq: int, limit: int = 500) -> list[Event]:
        mem = self.hub.since(seq, limit)
        if mem is not None:
            return mem
        e = S.events.c
        with self.store.read.connect() as conn:
            rows = conn.execute(
                select(e.seq, e.ts, e.type, e.data).where(e.seq > seq).order_by(e.seq).limit(limit)
            ).all()
        return [event_from_row(r.seq, r.ts, r.type, r.data) for r in rows]

    def stats(self, day: date | None = None) -> dict[str, Any]:
        d = day or P.business_day(self.clock(), self.tz, self.policy)
        start, end = P.day_bounds(d, self.tz, self.policy)
        e = S.events.c
        with self.store.read.connect() as conn:
            rows = conn.execute(
                select(e.seq, e.ts, e.type, e.data).where(e.ts >= start, e.ts < end).order_by(e.seq)
            ).all()
        result = compute_stats(event_from_row(r.seq, r.ts, r.type, r.data) for r in rows)
        result["day"] = d.isoformat()
        return result

    # --- housekeeping -----------------------------------------------------------------------------

    def housekeep(self) -> int:
        """Expire active tickets of earlier business days; forget idempotency keys past their time."""

        def cmd(tx: Tx) -> int:
            t = S.tickets.c
            today = self.today(tx.now)
            stale = tx.conn.execute(
                select(S.tickets).where(t.day < today, t.status.in_([s.value for s in P.ACTIVE_STATUSES]))
            ).all()
            for row in stale:
                self._set_ticket(
                    tx, row, None, "ticket.expired", status=P.Status.EXPIRED.value, finished_at=tx.now
                )
            tx.conn.execute(
                delete(S.idempotency).where(
                    S.idempotency.c.created_at < tx.now - self.config.server.idempotency_ttl_s
                )
            )
            return len(stale)

        return self.writer.run(cmd)

    # --- devices ----------------------------------------------------------------------------------

    def report_device(
        self, device_id: str, kind: str, status: str, reason: str, details: dict[str, Any], reporter: str
    ) -> dict[str, Any]:
        if status not in DEVICE_STATES:
            raise HallError("invalid_request", f"status must be one of {', '.join(DEVICE_STATES)}")

        def cmd(tx: Tx) -> dict[str, Any]:
            c = S.devices.c
            old = tx.conn.execute(select(S.devices).where(c.id == device_id)).first()
            changed = old is None or (old.status, old.reason, old.kind) != (status, reason, kind)
            values = {
                "kind": kind,
                "status": status,
                "reason": reason,
                "details": json.dumps(details, ensure_ascii=False),
                "reporter": reporter,
                "reported_at": tx.now,
            }
            if old is None:
                tx.conn.execute(insert(S.devices).values(id=device_id, changed_at=tx.now, **values))
            else:
                tx.conn.execute(
                    update(S.devices)
                    .where(c.id == device_id)
                    .values(changed_at=tx.now if changed else old.changed_at, **values)
                )
            if changed:
                # Only changes become events, so a device's heartbeat does not flood the stream.
                tx.emit(
                    "device.status",
                    {
                        "device": {
                            "id": device_id,
                            "kind": kind,
                            "status": status,
                            "reason": reason,
                            "reporter": reporter,
                        }
                    },
                )
            return self._device_view(tx.conn.execute(select(S.devices).where(c.id == device_id)).one())

        return self.writer.run(cmd)

    def _device_view(self, row: Row[Any]) -> dict[str, Any]:
        return {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "reason": row.reason,
            "details": json.loads(row.details),
            "reporter": row.reporter,
            "reported_at": self.iso(row.reported_at),
            "changed_at": self.iso(row.changed_at),
            "age_s": round(self.clock() - row.reported_at, 1),
        }

    def list_devices(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            return [self._device_view(r) for r in conn.execute(select(S.devices).order_by(S.devices.c.id))]

    # --- tokens -----------------------------------------------------------------------------------

    def create_token(self, role: str, name: str) -> tuple[int, str]:
        if role not in ROLES:
            raise HallError("invalid_request", f"role must be one of {', '.join(ROLES)}")
        if not name.strip():
            raise HallError("invalid_request", "give the token a name (the device or person it is for)")
        token = "hq_" + secrets.token_urlsafe(32)

        def cmd(tx: Tx) -> int:
            res = tx.conn.execute(
                insert(S.tokens).values(
                    name=name.strip(), role=role, token_hash=hash_token(token), created_at=tx.now
                )
            )
            return int(res.inserted_primary_key[0])

        return self.writer.run(cmd), token

    def revoke_token(self, token_id: int) -> bool:
        def cmd(tx: Tx) -> bool:
            res = tx.conn.execute(
                update(S.tokens)
                .where(S.tokens.c.id == token_id, S.tokens.c.revoked_at.is_(None))
                .values(revoked_at=tx.now)
            )
            return res.rowcount == 1

        done = self.writer.run(cmd)
        with self._tokens_lock:
            self._tokens.clear()
        return done

    def list_tokens(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            return [
                {
                    "id": r.id,
                    "name": r.name,
                    "role": r.role,
                    "created_at": self.iso(r.created_at),
                    "revoked_at": self.iso(r.revoked_at),
                }
                for r in conn.execute(select(S.tokens).order_by(S.tokens.c.id))
            ]

    def authenticate(self, token: str) -> Principal | None:
        h = hash_token(token)
        now = time.monotonic()
        with self._tokens_lock:
            hit = self._tokens.get(h)
            if hit is not None and now - hit[0] < TOKEN_CACHE_S:
                return hit[1]
        with self.store.read.connect() as conn:
            row = conn.execute(
                select(S.tokens).where(S.tokens.c.token_hash == h, S.tokens.c.revoked_at.is_(None))
            ).first()
        principal = Principal(row.id, row.name, row.role) if row else None
        with self._tokens_lock:
            if len(self._tokens) > 10000:
                self._tokens.clear()
            self._tokens[h] = (now, principal)
        return principal
