"""Calls for staff from kiosks (值班员指导): raised by a kiosk, acknowledged by a counter, both as events.

A kiosk's outbox may deliver the same call twice; the Idempotency-Key makes the second one return the
first answer, so a counter never sees one resident's call as two.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Row, insert, select, update

from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.service.base import IssueResult, Principal, _fingerprint
from kiosk.hall.service.tickets import Tickets
from kiosk.hall.writer import Tx

_h = S.help_requests.c


class Help(Tickets):
    def request_help(
        self, principal: Principal, note: str = "", idempotency_key: str | None = None
    ) -> IssueResult:
        fp = _fingerprint("help", {"note": note})

        def cmd(tx: Tx) -> IssueResult:
            if idempotency_key is not None:
                replay = self._idem_lookup(tx.conn, principal.token_id, idempotency_key, fp)
                if replay is not None:
                    return replay
            help_id = secrets.token_urlsafe(12)
            values = {"id": help_id, "kiosk": principal.name, "note": note, "requested_at": tx.now}
            tx.conn.execute(insert(S.help_requests).values(**values, answered_at=None, answered_by=None))
            view = self._help_view(tx.conn.execute(select(S.help_requests).where(_h.id == help_id)).one())
            tx.emit("help.requested", {"help": view})
            result = IssueResult(201, view, False)
            if idempotency_key is not None:
                self._idem_store(tx, principal.token_id, idempotency_key, fp, result)
            return result

        return self.writer.run(cmd)

    def answer_help(self, help_id: str, by: str) -> dict[str, Any]:
        """Acknowledge a call; a second acknowledgement (another counter, same moment) changes nothing."""

        def cmd(tx: Tx) -> dict[str, Any]:
            row = tx.conn.execute(select(S.help_requests).where(_h.id == help_id)).first()
            if row is None:
                raise HallError("unknown_help_request", "there is no such help request", {"help": help_id})
            if row.answered_at is None:
                tx.conn.execute(
                    update(S.help_requests).where(_h.id == help_id).values(answered_at=tx.now, answered_by=by)
                )
                row = tx.conn.execute(select(S.help_requests).where(_h.id == help_id)).one()
                tx.emit("help.answered", {"help": self._help_view(row)})
            return self._help_view(row)

        return self.writer.run(cmd)

    def open_help_requests(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            rows = conn.execute(
                select(S.help_requests).where(_h.answered_at.is_(None)).order_by(_h.requested_at)
            ).all()
        return [self._help_view(r) for r in rows]

    def _help_view(self, row: Row[Any]) -> dict[str, Any]:
        return {
            "id": row.id,
            "kiosk": row.kiosk,
            "note": row.note,
            "requested_at": self.iso(row.requested_at),
            "answered_at": self.iso(row.answered_at),
            "answered_by": row.answered_by,
        }
