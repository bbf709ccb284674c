"""Index-backed reads of the waiting queue: the calling rule's few rows, and waiting-ahead counts.

The order itself lives only in `kiosk.hall.policy`; these queries fetch a superset of `policy.deciding`
(per matter and colour: its head and its longest-waiting ticket; per colour: the same among begun
appointments) with one index seek apiece, so their cost does not grow with the queue. tests/test_waiting.py
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
_NOT_BEGUN = "(appointment_start IS NULL OR appointment_start > :now)"
_BEGUN = "appointment_start <= :now"


@lru_cache(maxsize=256)
def _deciding_sql(n_queues: int, n_matters: int) -> TextClause:
    """UNION ALL'd single-row index seeks over `n_queues` (matter, colour) pairs of `n_matters` matters.

    Written as SQL text and cached by shape: built with Core, its cache key (recomputed on every execute)
    cost more than the seeks it runs.
    """
    parts: list[str] = []
    for i in range(n_queues):
        q = f"{_WAITING} AND matter = :m{i} AND colour = :c{i}"
        # The head in order of issue; a begun appointment, if any, is ahead of it and comes from below.
        parts.append(f"SELECT {_COLS} FROM tickets WHERE {q} ORDER BY position LIMIT 1")
        # The longest-waiting, ties by order of issue, as the overdue rule breaks them.
        parts.append(
            f"SELECT {_COLS} FROM tickets WHERE {q} AND {_NOT_BEGUN} ORDER BY wait_start, position LIMIT 1"
        )
    served = ", ".join(f":s{i}" for i in range(n_matters))
    for colour in P.Colour:
        # Begun appointments: few (booked slots), so ordering them costs nothing like the queue.
        begun = f"{_WAITING} AND colour = '{colour.value}' AND {_BEGUN} AND matter IN ({served})"
        parts.append(
            f"SELECT {_COLS} FROM tickets WHERE {begun} ORDER BY appointment_start, position LIMIT 1"
        )
        parts.append(
            f"SELECT {_COLS} FROM tickets WHERE {begun} "
            "ORDER BY wait_start, appointment_start, position LIMIT 1"
        )
    return text(" UNION ALL ".join(f"SELECT * FROM ({p}) AS q{i}" for i, p in enumerate(parts)))


_NONEMPTY = "SELECT matter, colour FROM waiting_counts WHERE day = :day AND n > 0 AND matter IN ({})"


@lru_cache(maxsize=256)
def _nonempty_sql(n_matters: int) -> TextClause:
    return text(_NONEMPTY.format(", ".join(f":s{i}" for i in range(n_matters))))


def candidate(row: Any) -> P.Candidate:
    return P.Candidate(row.id, P.Colour(row.colour), row.position, row.wait_start, row.appointment_start)


def deciding_rows(conn: Connection, day: str, served: Iterable[str], now: float) -> dict[str, Any]:
    """Rows (id, number, colour, position, wait_start, appointment_start) the calling rule decides among."""
    matters = sorted(served)
    if not matters:
        return {}
    params: dict[str, Any] = {"day": day, "now": now}
    params.update((f"s{i}", m) for i, m in enumerate(matters))
    # Only the queues that hold someone: a counter may serve dozens of matters, few with a queue.
    queues = conn.execute(_nonempty_sql(len(matters)), params).all()
    if not queues:
        return {}
    for i, (matter, colour) in enumerate(queues):
        params[f"m{i}"] = matter
        params[f"c{i}"] = colour
    return {r.id: r for r in conn.execute(_deciding_sql(len(queues), len(matters)), params)}


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
