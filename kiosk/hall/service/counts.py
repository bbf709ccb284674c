"""The day's waiting counts, as events and the queue snapshot carry them.

Ticket and counter events carry the counts after their change, so call boards and counter terminals update
from the event alone instead of re-reading GET /queue per event. They are read from `waiting_counts`, which
the database's triggers keep per (day, matter, colour) as tickets enter and leave the waiting state
(migration 0004), so the cost is the number of queues with someone in them, not the number of tickets. One
read answers both shapes: per colour for the board, per matter and colour for counters, which serve only
some matters. Counts are public; nothing about a person is in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, select

from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.service.base import ServiceBase

_w = S.waiting_counts.c
# Built once: the writer runs this for every ticket event.
_COUNT_WAITING = select(_w.matter, _w.colour, _w.n).where(_w.day == bindparam("day"), _w.n > 0)
# Events whose change can move the counts, or change which matters a counter's line counts.
_COUNTED_EVENTS = ("ticket.", "counter.")


def waiting_counts(conn: Connection, day: str) -> dict[str, Any]:
    """{"waiting": {colour: n}, "waiting_by_matter": {matter: {colour: n}}} for `day`; all colours."""
    return counts_from_rows(conn.execute(_COUNT_WAITING, {"day": day}))


def counts_from_rows(rows: Iterable[Any]) -> dict[str, Any]:
    """The counts' shape from (matter, colour, n) rows of `waiting_counts` with n > 0."""
    by_colour = {c.value: 0 for c in P.Colour}
    by_matter: dict[str, dict[str, int]] = {}
    for matter, colour, n in rows:
        by_colour[colour] += n
        by_matter.setdefault(matter, {c.value: 0 for c in P.Colour})[colour] = n
    return {"waiting": by_colour, "waiting_by_matter": by_matter}


class WaitingCounts(ServiceBase):
    """Adds the waiting counts to the events that need them, as they are emitted."""

    def event_counts(self, conn: Connection, now: float, type_: str) -> dict[str, Any] | None:
        if not type_.startswith(_COUNTED_EVENTS):
            return None
        return waiting_counts(conn, self.today(now))
