"""The day's waiting counts, as events and the queue snapshot carry them.

Ticket and counter events carry the counts after their change, so call boards and counter terminals update
from the event alone instead of re-reading GET /queue per event. One grouped count over the
(day, status, matter, colour) index answers both shapes: per colour for the board, per matter and colour
for counters, which serve only some matters. Counts are public; nothing about a person is in them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.service.base import ServiceBase

_t = S.tickets.c
# Built once: the writer runs this for every ticket event.
_COUNT_WAITING = (
    select(_t.matter, _t.colour, func.count())
    .where(_t.day == bindparam("day"), _t.status == P.Status.WAITING.value)
    .group_by(_t.matter, _t.colour)
)
# Events whose change can move the counts, or change which matters a counter's line counts.
_COUNTED_EVENTS = ("ticket.", "counter.")


def waiting_counts(conn: Connection, day: str) -> dict[str, Any]:
    """{"waiting": {colour: n}, "waiting_by_matter": {matter: {colour: n}}} for `day`; all colours."""
    by_colour = {c.value: 0 for c in P.Colour}
    by_matter: dict[str, dict[str, int]] = {}
    for matter, colour, n in conn.execute(_COUNT_WAITING, {"day": day}):
        by_colour[colour] += n
        by_matter.setdefault(matter, {c.value: 0 for c in P.Colour})[colour] = n
    return {"waiting": by_colour, "waiting_by_matter": by_matter}


class WaitingCounts(ServiceBase):
    """Adds the waiting counts to the events that need them, as they are emitted."""

    def event_counts(self, conn: Connection, now: float, type_: str) -> dict[str, Any] | None:
        if not type_.startswith(_COUNTED_EVENTS):
            return None
        return waiting_counts(conn, self.today(now))
