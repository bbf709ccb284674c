"""Whether the hall gives numbers now: opening hours, staff closing it, each matter's ticket hours and quota.

The issue path asks `_check_can_issue` on every ticket, so it reads only cached state and pure functions of
`now` (kiosk.hall.hours), plus, for a matter with a quota, one indexed single-row update in the ticket's
own transaction.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from kiosk.hall import hours as H
from kiosk.hall import schema as S
from kiosk.hall.catalogue import Matter
from kiosk.hall.errors import HallError
from kiosk.hall.service.base import ServiceBase
from kiosk.hall.writer import Tx

_c_mdc = S.matter_day_counts.c
# `n < quota` in the statement itself: the bump and the check are one step, whoever else is issuing.
_BUMP_QUOTA = (
    update(S.matter_day_counts)
    .where(_c_mdc.day == bindparam("q_day"), _c_mdc.matter == bindparam("q_matter"))
    .where(_c_mdc.n < bindparam("q_quota"))
    .values(n=_c_mdc.n + 1)
    .returning(_c_mdc.n)
)
_SELECT_QUOTA = select(_c_mdc.n).where(
    _c_mdc.day == bindparam("q_day"), _c_mdc.matter == bindparam("q_matter")
)
_COUNT_ISSUED = select(func.count()).where(
    S.tickets.c.day == bindparam("q_day"), S.tickets.c.matter == bindparam("q_matter")
)

_ClosedState = tuple[bool, str, str | None, float | None]  # closed, reason, by whom, since


class Opening(ServiceBase):
    _closed_state: _ClosedState | None = None
    _closed_lock = threading.Lock()

    # --- staff closing the hall -------------------------------------------------------------------

    def _staff_closed(self) -> _ClosedState:
        state = self._closed_state
        if state is None:
            with self._closed_lock, self.store.read.connect() as conn:
                row = conn.execute(select(S.hall_state).where(S.hall_state.c.id == 1)).first()
            state = (
                (False, "", None, None)
                if row is None
                else (bool(row.closed), row.reason, row.changed_by, row.changed_at)
            )
            self._closed_state = state
        return state

    def close_hall(self, reason: str = "") -> dict[str, Any]:
        """Staff close the hall now: kiosks stop giving numbers until it is opened again."""
        return self._set_closed(True, reason)

    def open_hall(self) -> dict[str, Any]:
        return self._set_closed(False, "")

    def _set_closed(self, closed: bool, reason: str) -> dict[str, Any]:
        def cmd(tx: Tx) -> _ClosedState:
            by = (tx.actor or {}).get("name", "")
            values = {"closed": closed, "reason": reason, "changed_by": by, "changed_at": tx.now}
            done = tx.conn.execute(update(S.hall_state).where(S.hall_state.c.id == 1).values(**values))
            if done.rowcount == 0:
                tx.conn.execute(insert(S.hall_state).values(id=1, **values))
            tx.emit("hall.closed" if closed else "hall.opened", {"reason": reason} if closed else {})
            return (closed, reason, by, tx.now)

        state = self.writer.run(cmd)
        # Set once committed: a failed command leaves the hall as it was.
        self._closed_state = state
        return self.hall_state()

    # --- what kiosks are told ---------------------------------------------------------------------

    def hall_state(self) -> dict[str, Any]:
        """Whether the hall takes tickets now, why not, and the hours to show."""
        now = self.clock()
        closed, reason, _, since = self._staff_closed()
        hours = self.config.hall.opening_hours
        in_hours = H.is_open(now, self.tz, hours)
        nxt = H.next_opening(now, self.tz, hours)
        local_day = datetime.fromtimestamp(now, self.tz).date()
        return {
            "open": in_hours and not closed,
            "in_opening_hours": in_hours,
            "closed_by_staff": closed,
            "reason": reason if closed else "",
            "closed_since": self.iso(since) if closed else None,
            "hours_today": H.format_ranges(hours.on(local_day)),
            "hours": hours.to_dict(),
            "next_opening": self.iso(nxt) if not in_hours or closed else None,
            "ticket_hours": H.format_ranges(self.config.hall.ticket_hours),
            "daily_quota": self.config.hall.daily_quota,
            "time": self.iso(now),
        }

    def taking_tickets(self) -> bool:
        return not self._staff_closed()[0] and H.is_open(
            self.clock(), self.tz, self.config.hall.opening_hours
        )

    # --- the checks of the issue path ----------------------------------------------------------

    def _check_hall_open(self, now: float) -> None:
        hours = self.config.hall.opening_hours
        closed, reason, _, _ = self._staff_closed()
        if closed or not H.is_open(now, self.tz, hours):
            nxt = H.next_opening(now, self.tz, hours) if not closed else None
            raise HallError(
                "hall_closed",
                "the hall is closed now" + (f": {reason}" if closed and reason else ""),
                {
                    "closed_by_staff": closed,
                    "reason": reason if closed else "",
                    "hours": hours.to_dict(),
                    "next_opening": self.iso(nxt),
                },
            )

    def _ticket_hours(self, matter: Matter) -> H.Ranges:
        return matter.ticket_hours if matter.ticket_hours is not None else self.config.hall.ticket_hours

    def _quota(self, matter: Matter) -> int:
        return matter.daily_quota if matter.daily_quota is not None else self.config.hall.daily_quota

    def _check_ticket_hours(self, now: float, matter: Matter) -> None:
        ranges = self._ticket_hours(matter)
        if not H.in_ticket_hours(now, self.tz, ranges):
            raise HallError(
                "outside_ticket_hours",
                f"tickets for this matter are given {', '.join(H.format_ranges(ranges))} only",
                {"matter": matter.id, "ticket_hours": H.format_ranges(ranges)},
            )

    def _take_quota(self, conn: Connection, day: str, matter: Matter) -> None:
        """Count one more of today's tickets for a matter with a quota, or refuse once it is used up."""
        quota = self._quota(matter)
        if quota <= 0:
            return
        args = {"q_day": day, "q_matter": matter.id, "q_quota": quota}
        if conn.execute(_BUMP_QUOTA, args).first() is not None:
            return
        n = conn.execute(_SELECT_QUOTA, args).scalar()
        if n is None:
            # First ticket of the day with a quota (or a quota set since this morning): count what exists.
            n = int(conn.execute(_COUNT_ISSUED, args).scalar() or 0)
            if n < quota:
                conn.execute(insert(S.matter_day_counts).values(day=day, matter=matter.id, n=n + 1))
                return
        raise HallError(
            "quota_used",
            "today's numbers for this matter are all taken; go to the window if it is free",
            {"matter": matter.id, "daily_quota": quota},
        )
