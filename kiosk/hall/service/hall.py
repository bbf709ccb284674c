"""Hall-wide: the queue snapshot, events, statistics, housekeeping and device health."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date
from typing import Any

from sqlalchemy import Row, delete, insert, select, update

from kiosk.hall import hours as H
from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.events import Event, Subscription, event_from_row
from kiosk.hall.json_limits import MAX_DEPTH, too_deep
from kiosk.hall.service.base import DEVICE_STATES
from kiosk.hall.service.counts import waiting_counts
from kiosk.hall.service.opening import Opening
from kiosk.hall.service.persons import Persons
from kiosk.hall.stats import compute_stats
from kiosk.hall.writer import Tx

log = logging.getLogger(__name__)


class Hall(Opening, Persons):
    # --- what the API shows of the hall itself ----------------------------------------------------

    def hall_name(self) -> str:
        return self.config.hall.name

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "api": "v1",
            "hall": self.config.hall.name,
            "database": self.store.dialect,
            "last_seq": self.hub.last_seq,
            "taking_tickets": self.taking_tickets(),
        }

    def catalogue_view(self) -> dict[str, Any]:
        """Categories and matters with each one's colour and counters, and what kiosks must know."""
        out = self.catalogue.to_dict()
        counters = self.list_counters()  # type: ignore[attr-defined]
        for cat in out["categories"]:
            for m in cat["matters"]:
                # The colour a resident without a green reason gets; green follows the person, not the matter.
                m["colour"] = "yellow" if m["enterprise"] else "blue"
                m["counters"] = [c["id"] for c in counters if m["id"] in c["serves"]]
                # What applies to the matter, its own setting or the hall's: kiosks need not know which.
                matter = self._matter(m["id"])
                m["ticket_hours"] = H.format_ranges(self._ticket_hours(matter))
                m["daily_quota"] = self._quota(matter)
        out["hall"] = {"name": self.config.hall.name, "name_en": self.config.hall.name_en}
        p = self.policy
        out["green_age"] = p.green_age
        out["policy"] = {
            "max_recalls": p.max_recalls,
            "green_age": p.green_age,
            "priority_burst": p.priority_burst,
            "max_wait_s": p.max_wait_s,
            "requeue_offset": p.requeue_offset,
        }
        return out

    # --- the queue as a whole ---------------------------------------------------------------------

    def queue_snapshot(self) -> dict[str, Any]:
        """Public snapshot for call boards: counts, who is at which window, last calls. No personal data."""
        # Read first: a client following events from this seq then gets everything the snapshot may have
        # missed (at worst an event twice, which followers drop by seq), never a gap.
        last_seq = self.hub.last_seq
        now = self.clock()
        day = self.today(now)
        t = S.tickets.c
        with self.store.read.connect() as conn:
            counts = waiting_counts(conn, day)
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
                **counts,
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
                "last_seq": last_seq,
            }

    # --- events and statistics --------------------------------------------------------------------

    def last_seq(self) -> int:
        return self.hub.last_seq

    def events_page(self, seq: int, limit: int = 500) -> dict[str, Any]:
        return {"events": self.events_since(seq, limit), "last_seq": self.hub.last_seq}

    def recent_events(self, seq: int, limit: int = 500) -> list[Event] | None:
        """Events after `seq` from memory alone (no query), or None when only the database has them."""
        return self.hub.since(seq, limit)

    def subscribe_events(self) -> Subscription:
        """A live reader for the running event loop, woken as events commit; close it when done."""
        return self.hub.subscribe_async()

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
        try:
            start, end = P.day_bounds(d, self.tz, self.policy)
        except (OverflowError, ValueError) as exc:  # the first or last days a date can hold
            raise HallError(
                "invalid_request", f"day: {d.isoformat()} is outside the days this hall can count"
            ) from exc
        e = S.events.c
        with self.store.read.connect() as conn:
            rows = conn.execute(
                select(e.seq, e.ts, e.type, e.data).where(e.ts >= start, e.ts < end).order_by(e.seq)
            ).all()
        result = compute_stats(event_from_row(r.seq, r.ts, r.type, r.data) for r in rows)
        result["day"] = d.isoformat()
        return result

    # --- housekeeping -----------------------------------------------------------------------------

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

    def housekeep(self) -> int:
        """Expire active tickets of earlier business days; forget idempotency keys past their time, and past
        days' person keys and their secrets."""

        def cmd(tx: Tx) -> tuple[int, str]:
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
            return len(stale), self._forget_past_persons(tx)

        expired, cleared_before = self.writer.run(cmd)
        self._persons_cleared_before = cleared_before
        return expired

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
            "details": self._stored_details(row.details),
            "reporter": row.reporter,
            "reported_at": self.iso(row.reported_at),
            "changed_at": self.iso(row.changed_at),
            "age_s": round(self.clock() - row.reported_at, 1),
        }

    def _stored_details(self, text: str) -> dict[str, Any]:
        # A row stored before bodies were bounded could nest too deeply to be sent back; one such device
        # must not make the whole list fail.
        if too_deep(text.encode()):
            log.warning("device details nested deeper than %d levels: not shown", MAX_DEPTH)
            return {"unshown": f"the stored details nest deeper than {MAX_DEPTH} levels"}
        details = json.loads(text)
        return details if isinstance(details, dict) else {"value": details}

    def list_devices(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            return [self._device_view(r) for r in conn.execute(select(S.devices).order_by(S.devices.c.id))]
