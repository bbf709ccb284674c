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


def _quote(value: str) -> str:
    """An SQL string literal (the same on SQLite and PostgreSQL).

    Matter ids go into the cached statement text as literals: bound one by one, two dozen of them cost more
    Python per request than the index seeks they select. They are catalogue ids ([a-z0-9_]+); quoting keeps
    anything else harmless all the same.
    """
    return "'" + value.replace("'", "''") + "'"


def _in(matters: tuple[str, ...]) -> str:
    return ", ".join(_quote(m) for m in matters)


_WAITING = "day = :day AND status = 'waiting'"
_NOT_BEGUN = "(appointment_start IS NULL OR appointment_start > :now)"
_BEGUN = "appointment_start <= :now"


@lru_cache(maxsize=512)
def _deciding_sql(queues: tuple[tuple[str, str], ...], matters: tuple[str, ...]) -> TextClause:
    """UNION ALL'd single-row index seeks over the (matter, colour) `queues` of the served `matters`.

    Written as SQL text and cached: built with Core, its cache key (recomputed on every execute) cost more
    than the seeks it runs.
    """
    parts: list[str] = []
    for matter, colour_value in queues:
        q = f"{_WAITING} AND matter = {_quote(matter)} AND colour = {_quote(colour_value)}"
        # The head in order of issue; a begun appointment, if any, is ahead of it and comes from below.
        parts.append(f"SELECT {_COLS} FROM tickets WHERE {q} ORDER BY position LIMIT 1")
        # The longest-waiting, ties by order of issue, as the overdue rule breaks them.
        parts.append(
            f"SELECT {_COLS} FROM tickets WHERE {q} AND {_NOT_BEGUN} ORDER BY wait_start, position LIMIT 1"
        )
    served = _in(matters)
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


@lru_cache(maxsize=256)
def _nonempty_sql(matters: tuple[str, ...]) -> TextClause:
    return text(
        f"SELECT matter, colour FROM waiting_counts WHERE day = :day AND n > 0 AND matter IN ({_in(matters)})"
    )


def candidate(row: Any) -> P.Candidate:
    return P.Candidate(row.id, P.Colour(row.colour), row.position, row.wait_start, row.appointment_start)


def deciding_rows(conn: Connection, day: str, served: Iterable[str], now: float) -> dict[str, Any]:
    """Rows (id, number, colour, position, wait_start, appointment_start) the calling rule decides among."""
    matters = tuple(sorted(served))
    if not matters:
        return {}
    params = {"day": day, "now": now}
    # Only the queues that hold someone: a counter may serve dozens of matters, few with a queue.
    queues = tuple(sorted((r.matter, r.colour) for r in conn.execute(_nonempty_sql(matters), params)))
    if not queues:
        return {}
    return {r.id: r for r in conn.execute(_deciding_sql(queues, matters), params)}


@lru_cache(maxsize=256)
def _counts_sql(matters: tuple[str, ...], behind: bool) -> TextClause:
    """Waiting counts per colour of the shared matters and, if `behind`, the target's followers: one trip."""
    served = _in(matters)
    sql = (
        f"SELECT colour, sum(n) AS n FROM waiting_counts WHERE day = :day AND matter IN ({served}) "
        "GROUP BY colour"
    )
    if behind:
        # Tickets at or after the target in its colour's order of issue that are not begun appointments. A
        # new ticket is last in its colour, so this range is empty: the same cost at any queue length.
        sql += (
            f" UNION ALL SELECT 'behind' AS colour, count(*) AS n FROM tickets WHERE {_WAITING} "
            f"AND matter IN ({served}) AND colour = :colour AND position >= :position AND id <> :id "
            f"AND {_NOT_BEGUN}"
        )
    return text(sql)


# Begun appointments ahead of a begun appointment: at most the hall's checked-in appointments, never the
# whole queue.
_BEGUN_AHEAD = text(
    f"SELECT matter FROM tickets WHERE {_WAITING} AND colour = :colour AND appointment_start <= :now "
    "AND (appointment_start < :slot OR (appointment_start = :slot AND position < :position))"
)


@lru_cache(maxsize=256)
def _day_counts_sql(matters: tuple[str, ...]) -> TextClause:
    """Every queue's waiting count today, and the target's followers among the shared `matters`: one trip."""
    return text(
        "SELECT matter, colour, n FROM waiting_counts WHERE day = :day AND n > 0 UNION ALL "
        f"SELECT '' AS matter, 'behind' AS colour, count(*) AS n FROM tickets WHERE {_WAITING} "
        f"AND matter IN ({_in(matters)}) AND colour = :colour AND position >= :position AND id <> :id "
        f"AND {_NOT_BEGUN}"
    )


def ahead_and_day_counts(
    conn: Connection, ticket: Any, shared: Iterable[str], now: float, policy: P.QueuePolicy
) -> tuple[int, list[tuple[str, str, int]]]:
    """`waiting_ahead` of a waiting ticket that is not a begun appointment (a new ticket, say), and the
    day's (matter, colour, waiting) rows, which its event carries, read in the same round trip."""
    if P.is_begun(candidate(ticket), now):
        raise ValueError("a begun appointment's place is not counted from the queues' counts")
    matters = tuple(sorted(shared))
    wanted = set(matters)
    colour = P.Colour(ticket.colour)
    params = {
        "day": ticket.day,
        "now": now,
        "colour": colour.value,
        "position": ticket.position,
        "id": ticket.id,
    }
    rows: list[tuple[str, str, int]] = []
    counts: dict[str, int] = {}
    behind = 0
    for matter, colour_value, n in conn.execute(_day_counts_sql(matters), params):
        if colour_value == "behind":
            behind = int(n)
            continue
        rows.append((matter, colour_value, int(n)))
        if matter in wanted:
            counts[colour_value] = counts.get(colour_value, 0) + int(n)
    same = counts.get(colour.value, 0) - 1 - behind  # the ticket counts itself: it is waiting
    higher = sum(n for c, n in counts.items() if P.Colour(c).rank < colour.rank)
    return P.ahead_from_counts(colour, same, higher, policy), rows


def waiting_ahead(
    conn: Connection, ticket: Any, shared: Iterable[str], now: float, policy: P.QueuePolicy
) -> int:
    """`policy.waiting_ahead` of a waiting ticket among the tickets of `shared` matters, from counters."""
    matters = tuple(sorted(shared))
    colour = P.Colour(ticket.colour)
    begun = P.is_begun(candidate(ticket), now)
    params: dict[str, Any] = {"day": ticket.day, "now": now}
    if not begun:
        params.update(colour=colour.value, position=ticket.position, id=ticket.id)
    counts = {r.colour: int(r.n) for r in conn.execute(_counts_sql(matters, not begun), params)}
    if begun:
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
        # The ticket counts itself: it is waiting.
        same = counts.get(colour.value, 0) - 1 - counts.get("behind", 0)
    higher = sum(n for c, n in counts.items() if c != "behind" and P.Colour(c).rank < colour.rank)
    return P.ahead_from_counts(colour, same, higher, policy)
