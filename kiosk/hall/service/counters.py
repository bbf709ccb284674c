"""Counters: calling (the calling rule applied), serving, transfer, pause, and their configuration."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.service import waiting as W
from kiosk.hall.service.base import ServiceBase
from kiosk.hall.writer import Tx

log = logging.getLogger(__name__)

# The call path's statements, built once (constructing them per call showed in the profile). The update
# returns the called row, which saves reading it back.
_t = S.tickets.c
_CALL_TICKET = (
    update(S.tickets)
    .where(_t.id == bindparam("k_ticket"), _t.status == P.Status.WAITING.value)
    .values(
        status=P.Status.CALLED.value,
        counter_id=bindparam("k_counter"),
        called_at=bindparam("k_now"),
        recalls=0,
    )
    .returning(*S.tickets.c)
)
_SET_STREAK = (
    update(S.counters).where(S.counters.c.id == bindparam("k_counter")).values(streak=bindparam("k_streak"))
)


class Counters(ServiceBase):
    # --- counters: calling and serving ------------------------------------------------------------

    def _ready_counter(self, conn: Connection, counter_id: str) -> Any:
        counter, busy = self._counter_and_active(conn, counter_id)
        if counter.paused:
            raise HallError("counter_paused", f"counter {counter_id} is paused; resume it first")
        if busy is not None:
            raise HallError(
                "counter_busy",
                f"ticket {busy.number} is still {busy.status} at this counter; finish it or mark it "
                "no-show first",
                {"ticket": {"id": busy.id, "number": busy.number}},
            )
        return counter

    def _mark_called(self, tx: Tx, counter: Any, ticket: Any, streak: int, reason: str) -> dict[str, Any]:
        row = tx.conn.execute(
            _CALL_TICKET, {"k_ticket": ticket.id, "k_counter": counter.id, "k_now": tx.now}
        ).first()
        if row is None:  # the writer is single-threaded, so this would be a bug, not a race
            raise HallError("ticket_not_waiting", f"ticket {ticket.number} is no longer waiting")
        if streak != counter.streak:
            tx.conn.execute(_SET_STREAK, {"k_counter": counter.id, "k_streak": streak})
        tx.emit(
            "ticket.called",
            {"ticket": self._ticket_brief(row, counter.window), "reason": reason},
            ticket_id=row.id,
            counter_id=counter.id,
        )
        return self._ticket_view(tx.conn, row, tx.now, staff=True, counter=counter)

    def call_next(self, counter_id: str) -> dict[str, Any] | None:
        return self.submit_call_next(counter_id).result(30.0)

    def submit_call_next(self, counter_id: str) -> Future[dict[str, Any] | None]:
        """`call_next` without waiting: the future resolves once the call is committed."""

        def cmd(tx: Tx) -> dict[str, Any] | None:
            counter = self._ready_counter(tx.conn, counter_id)
            rows = W.deciding_rows(tx.conn, self.today(tx.now), self._served(counter), tx.now)
            cands = [W.candidate(r) for r in rows.values()]
            decision = P.choose_next(cands, counter.streak, tx.now, self.policy)
            if decision is None:
                return None
            return self._mark_called(tx, counter, rows[decision.ticket_id], decision.streak, decision.reason)

        return self.writer.submit(cmd)

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

    def _counter_action(
        self, counter_id: str, action: str, apply: Callable[[Tx, Any, Any], dict[str, Any]]
    ) -> Future[dict[str, Any]]:
        def cmd(tx: Tx) -> dict[str, Any]:
            counter, ticket = self._counter_and_active(tx.conn, counter_id)
            if ticket is None:
                raise HallError("no_current_ticket", f"counter {counter_id} has no called or serving ticket")
            self._transition(ticket, action)
            return apply(tx, counter, ticket)

        return self.writer.submit(cmd)

    def submit_action(self, counter_id: str, action: str) -> Future[dict[str, Any]]:
        """Recall, no-show, start or finish the counter's current ticket; resolves once committed."""
        actions = {
            "recall": self._recall,
            "no_show": self._no_show,
            "start": self._start,
            "finish": self._finish,
        }
        if action not in actions:
            raise ValueError(f"not a counter action: {action!r}")
        return self._counter_action(counter_id, action, actions[action])

    def _recall(self, tx: Tx, c: Any, t: Any) -> dict[str, Any]:
        return self._set_ticket(tx, t, c, "ticket.recalled", {"recall": t.recalls + 1}, recalls=t.recalls + 1)

    def _no_show(self, tx: Tx, c: Any, t: Any) -> dict[str, Any]:
        return self._set_ticket(tx, t, c, "ticket.no_show", status=P.Status.NO_SHOW.value, finished_at=tx.now)

    def _start(self, tx: Tx, c: Any, t: Any) -> dict[str, Any]:
        return self._set_ticket(tx, t, c, "ticket.started", status=P.Status.SERVING.value, started_at=tx.now)

    def _finish(self, tx: Tx, c: Any, t: Any) -> dict[str, Any]:
        return self._set_ticket(
            tx,
            t,
            c,
            "ticket.finished",
            {"service_s": round(tx.now - (t.started_at or tx.now), 3)},
            status=P.Status.DONE.value,
            finished_at=tx.now,
        )

    def recall(self, counter_id: str) -> dict[str, Any]:
        return self.submit_action(counter_id, "recall").result(30.0)

    def no_show(self, counter_id: str) -> dict[str, Any]:
        return self.submit_action(counter_id, "no_show").result(30.0)

    def start(self, counter_id: str) -> dict[str, Any]:
        return self.submit_action(counter_id, "start").result(30.0)

    def finish(self, counter_id: str) -> dict[str, Any]:
        return self.submit_action(counter_id, "finish").result(30.0)

    def transfer(self, counter_id: str, matter_id: str) -> dict[str, Any]:
        """Send the ticket being served to another matter's queue, first in its colour, keeping its number."""
        target = self._matter(matter_id)

        def apply(tx: Tx, counter: Any, ticket: Any) -> dict[str, Any]:
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

        return self._counter_action(counter_id, "transfer", apply).result(30.0)

    def set_paused(self, counter_id: str, paused: bool) -> dict[str, Any]:
        def cmd(tx: Tx) -> dict[str, Any]:
            counter = self._counter(tx.conn, counter_id)
            if counter.paused != paused:
                self._counters_changed(tx)
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

    # --- counters: configuration ------------------------------------------------------------------

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
            self._counters_changed(tx)
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
            self._counters_changed(tx)
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

    def counter_tickets(self, counter_id: str, status: str) -> list[dict[str, Any]]:
        """Today's tickets last handled at this counter in `status` (e.g. its no-shows, to reinstate one)."""
        try:
            wanted = P.Status(status)
        except ValueError as exc:
            raise HallError(
                "invalid_request", f"status must be one of {', '.join(s.value for s in P.Status)}"
            ) from exc
        now = self.clock()
        t = S.tickets.c
        with self.store.read.connect() as conn:
            self._counter(conn, counter_id)
            rows = conn.execute(
                select(S.tickets)
                .where(t.counter_id == counter_id, t.status == wanted.value, t.day == self.today(now))
                .order_by(t.finished_at.desc(), t.called_at.desc())
            ).all()
            return [self._ticket_view(conn, r, now, staff=True) for r in rows]
