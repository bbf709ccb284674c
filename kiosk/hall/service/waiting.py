"""Index-backed reads of the waiting queue: the calling rule's few rows, and waiting-ahead counts.

The order itself lives only in `kiosk.hall.policy`; these queries fetch a superset of `policy.deciding`
(one head per matter and colour, each matter's longest-waiting tickets, each colour's first begun
appointment) with one index seek apiece, so their cost does not grow with the queue. tests/test_waiting.py
proves on real databases that the policy chooses from these rows exactly as from every waiting ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, TextClause, text

from kiosk.hall import policy as P

_COLS = "id, number, colour, position, wait_start, appointment_start"
_WAITING = "day = :day AND status = 'waiting'"


@lru_cache(maxsize=256)
def _deciding_sql(n_matters: int) -> TextClause:
    """One statement of UNION ALL'd single-row index seeks, for counters serving `n_matters` matters.

    Written as SQL text and cached by size: built with Core, its cache key (recomputed on every execute) cost
    more than the hundred index seeks it runs.
    """
    parts: list[str] = []
    for i in range(n_matters):
        m = f"matter = :m{i}"
        for colour in P.Colour:
            parts.append(
                f"SELECT {_COLS} FROM tickets WHERE {_WAITING} AND {m} AND colour = '{colour.value}' "
                "ORDER BY position LIMIT 1"
            )
        # Every ticket tied for the matter's longest wait: an overdue call breaks such ties by colour.
        parts.append(
            f"SELECT {_COLS} FROM tickets WHERE {_WAITING} AND {m} AND wait_start = "
            f"(SELECT min(wait_start) FROM tickets WHERE {_WAITING} AND {m})"
        )
    served = ", ".join(f":m{i}" for i in range(n_matters))
    for colour in P.Colour:
        parts.append(
            f"SELECT {_COLS} FROM tickets WHERE {_WAITING} AND colour = '{colour.value}' "
            f"AND appointment_start <= :now AND matter IN ({served}) "
            "ORDER BY appointment_start, position LIMIT 1"
        )
    return text(" UNION ALL ".join(f"SELECT * FROM ({p}) AS q{i}" for i, p in enumerate(parts)))


def candidate(row: Any) -> P.Candidate:
    return P.Candidate(row.id, P.Colour(row.colour), row.position, row.wait_start, row.appointment_start)


def deciding_rows(conn: Connection, day: str, served: Iterable[str], now: float) -> dict[str, Any]:
    """Rows (id, number, colour, position, wait_start, appointment_start) the calling rule decides among."""
    matters = sorted(served)
    if not matters:
        return {}
    params: dict[str, Any] = {"day": day, "now": now}
    params.update((f"m{i}", m) for i, m in enumerate(matters))
    return {r.id: r for r in conn.execute(_deciding_sql(len(matters)), params)}


@lru_cache(maxsize=256)
def _counts_sql(n_matters: int) -> TextClause:
    served = ", ".join(f":m{i}" for i in range(n_matters))
    return text(
        f"SELECT colour, sum(n) AS n FROM waiting_counts WHERE day = :day AND matter IN ({served}) "
        "GROUP BY colour"
    )


@lru_cache(maxsize=256)
def _behind_sql(n_matters: int) -> TextClause:
    # Tickets at or after the target in its colour's order of issue that are not begun appointments. A new
    # ticket is last in its colour, so this range is empty and the seek costs the same at any queue length.
    served = ", ".join(f":m{i}" for i in range(n_matters))
    return text(
        f"SELECT count(*) FROM tickets WHERE {_WAITING} AND matter IN ({served}) AND colour = :colour "
        "AND position >= :position AND id <> :id AND (appointment_start IS NULL OR appointment_start > :now)"
    )


# Begun appointments ahead of a begun appointment: at most the hall's checked-in appointments, never the
# whole queue.
_BEGUN_AHEAD = text(
    f"SELECT matter FROM tickets WHERE {_WAITING} AND colour = :colour AND appointment_start <= :now "
    "AND (appointment_start < :slot OR (appointment_start = :slot AND position < :position))"
)


def waiting_ahead(
    conn: Connection, ticket: Any, shared: Iterable[str], now: float, policy: P.QueuePolicy
) -> int:
    """`policy.waiting_ahead` of a waiting ticket among the tickets of `shared` matters, from counters."""
    matters = sorted(shared)
    params: dict[str, Any] = {"day": ticket.day, "now": now}
    params.update((f"m{i}", m) for i, m in enumerate(matters))
    counts = {r.colour: int(r.n) for r in conn.execute(_counts_sql(len(matters)), params)}
    colour = P.Colour(ticket.colour)
    target = candidate(ticket)
    if P.is_begun(target, now):
        rows = conn.execute(
            _BEGUN_AHEAD,
            {
                "day": ticket.day,
                "colour": colour.value,
                "now": now,
                "slot": ticket.appointment_start,
                "position": ticket.position,
            },
        )
        wanted = set(matters)
        same = sum(1 for r in rows if r.matter in wanted)
    else:
        params.update(colour=colour.value, position=ticket.position, id=ticket.id)
        behind = int(conn.execute(_behind_sql(len(matters)), params).scalar_one())
        same = counts.get(colour.value, 0) - 1 - behind  # the ticket counts itself: it is waiting
    higher = sum(n for c, n in counts.items() if P.Colour(c).rank < colour.rank)
    return P.ahead_from_counts(colour, same, higher, policy)
