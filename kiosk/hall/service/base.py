"""What every part of the service layer shares: construction, row look-ups, views of tickets and counters."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, Update, bindparam, func, select, update

from kiosk.config import Config
from kiosk.hall import policy as P
from kiosk.hall import schema as S
from kiosk.hall.catalogue import Catalogue, Matter
from kiosk.hall.errors import HallError
from kiosk.hall.events import EventHub
from kiosk.hall.roles import ROLES as ROLES  # re-exported: the service layer names its roles
from kiosk.hall.service import waiting as W
from kiosk.hall.store import Store
from kiosk.hall.writer import Tx, Writer

log = logging.getLogger(__name__)

# Built once: a statement constructed per call costs more Python than the database spends on it.
_SELECT_COUNTER = select(S.counters).where(S.counters.c.id == bindparam("k_counter"))
_SELECT_WINDOW = select(S.counters.c.window).where(S.counters.c.id == bindparam("k_counter"))
_SELECT_TICKET = select(S.tickets).where(S.tickets.c.id == bindparam("k_ticket"))
_ACTIVE = S.tickets.c.status.in_([P.Status.CALLED.value, P.Status.SERVING.value])
_SELECT_ACTIVE = select(S.tickets).where(S.tickets.c.counter_id == bindparam("k_counter"), _ACTIVE)
# A counter and its called or serving ticket (if any) in one round trip: every counter action needs both.
_ACTIVE_PREFIX = "active_"
_SELECT_COUNTER_ACTIVE = (
    select(S.counters, *(c.label(_ACTIVE_PREFIX + c.name) for c in S.tickets.c))
    .select_from(S.counters.outerjoin(S.tickets, (S.tickets.c.counter_id == S.counters.c.id) & _ACTIVE))
    .where(S.counters.c.id == bindparam("k_counter"))
)
_COUNTER_COLS = tuple(c.name for c in S.counters.c)
_ACTIVE_COLS = tuple((_ACTIVE_PREFIX + c.name, c.name) for c in S.tickets.c)


@lru_cache(maxsize=64)
def _update_ticket(columns: tuple[str, ...]) -> Update:
    """An UPDATE of a ticket's `columns`, built once per set of them (constructing it per call showed in the
    profile). The changed row comes back from it: reading it again would be one more round trip."""
    return (
        update(S.tickets)
        .where(S.tickets.c.id == bindparam("k_ticket"))
        .values({c: bindparam("v_" + c) for c in columns})
        .returning(*S.tickets.c)
    )


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


class ServiceBase:
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
        # (version it was read at, each counter's served matters and whether it is paused); see _counter_sets.
        self._counter_cache: tuple[int, list[tuple[frozenset[str], bool]]] | None = None
        # Each counter's served matters and window number, read with the cached sets (see _windows).
        self._counter_windows: list[tuple[frozenset[str], int]] = []
        self._counter_version = 0
        self._counters_changing = 0
        self._counters_lock = threading.Lock()
        self._service_means: dict[str, tuple[float, float]] = {}
        self._day: tuple[float, float, str] = (0.0, 0.0, "")
        self.writer = Writer(store.write, self.hub.publish, clock)
        self._tokens: dict[str, tuple[float, Principal | None]] = {}
        self._tokens_lock = threading.Lock()
        self._housekeeping_stop = threading.Event()
        self._housekeeping: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------------------

    def close(self) -> None:
        self._housekeeping_stop.set()
        self.writer.close()

    # --- small helpers ----------------------------------------------------------------------------

    def today(self, now: float | None = None) -> str:
        now = self.clock() if now is None else now
        start, end, day = self._day
        if start <= now < end:
            return day
        # Finding a day's bounds walks time zone rules: once a day, not on every request.
        d = P.business_day(now, self.tz, self.policy)
        start, end = P.day_bounds(d, self.tz, self.policy)
        self._day = (start, end, d.isoformat())
        return self._day[2]

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
        row = conn.execute(_SELECT_COUNTER, {"k_counter": counter_id}).first()
        if row is None:
            raise HallError("unknown_counter", f"there is no counter {counter_id!r}", {"counter": counter_id})
        return row

    def _counter_and_active(self, conn: Connection, counter_id: str) -> tuple[Any, Any | None]:
        """The counter's row and its called or serving ticket's row (None if it has none)."""
        row = conn.execute(_SELECT_COUNTER_ACTIVE, {"k_counter": counter_id}).first()
        if row is None:
            raise HallError("unknown_counter", f"there is no counter {counter_id!r}", {"counter": counter_id})
        m = row._mapping
        counter = SimpleNamespace(**{k: m[k] for k in _COUNTER_COLS})
        if m[_ACTIVE_PREFIX + "id"] is None:
            return counter, None
        return counter, SimpleNamespace(**{name: m[label] for label, name in _ACTIVE_COLS})

    def _ticket(self, conn: Connection, ticket_id: str) -> Row[Any]:
        row = conn.execute(_SELECT_TICKET, {"k_ticket": ticket_id}).first()
        if row is None:
            raise HallError("unknown_ticket", "there is no such ticket", {"ticket": ticket_id})
        return row

    def _sharing(self, conn: Connection, matter: str) -> tuple[frozenset[str], int]:
        """Matters whose tickets compete with `matter`'s for its counters, and how many of those are open.

        With no counter configured for the matter yet, its catalogue counter group stands in.
        """
        shared: set[str] = set()
        open_counters = 0
        for served, paused in self._counter_sets(conn):
            if matter in served:
                shared |= served
                open_counters += not paused
        if not shared:
            m = self.catalogue.matter(matter)
            shared = {x.id for x in self.catalogue.group_matters(m.counter_group)} if m else {matter}
        return frozenset(shared), open_counters

    def _counter_sets(self, conn: Connection) -> list[tuple[frozenset[str], bool]]:
        """Each counter's served matters and whether it is paused, cached while the counters are unchanged.

        Counters change only through this process's writer (the API's counter commands), and each such
        command calls `_counters_changed`; checking the table instead would cost a round trip per request.
        A set read at a version that has moved on since is never used.
        """
        version = self._counter_version
        cached = self._counter_cache
        if not self._counters_changing and cached is not None and cached[0] == version:
            return cached[1]
        rows = conn.execute(select(S.counters)).all()
        sets = [(frozenset(self._served(r)), bool(r.paused)) for r in rows]
        windows = [(served, int(r.window)) for (served, _), r in zip(sets, rows, strict=True)]
        # While a change is uncommitted, what was read may be rolled back: used once, not kept.
        if not self._counters_changing:
            # Set before the cache that announces it, so a reader seeing the new version sees these windows.
            self._counter_windows = windows
            self._counter_cache = (version, sets)
        return sets

    def _counters_changed(self, tx: Tx) -> None:
        """Call before a command changes a counter's matters, groups or pause; drops the cached sets."""
        with self._counters_lock:
            self._counters_changing += 1
            self._counter_version += 1

        def ended() -> None:
            # Committed or rolled back: anything read before or during the change is out of date.
            with self._counters_lock:
                self._counter_version += 1
                self._counters_changing -= 1

        tx.ended.append(ended)

    def _windows(self, conn: Connection, matter: str) -> list[int]:
        """Window numbers of the counters serving `matter`, from the counter cache (no query when warm)."""
        self._counter_sets(conn)
        return sorted({w for served, w in self._counter_windows if matter in served})

    def _mean_service_s(self, conn: Connection, matter: str) -> float:
        """Mean of the matter's last `estimate_window` services, refreshed at most every 30 s."""
        hit = self._service_means.get(matter)
        now = time.monotonic()
        if hit is not None and now - hit[0] < 30.0:
            return hit[1]
        t = S.tickets.c
        rows = conn.execute(
            select(t.started_at, t.finished_at)
            .where(t.matter == matter, t.finished_at.is_not(None), t.started_at.is_not(None))
            .order_by(t.finished_at.desc())
            .limit(self.policy.estimate_window)
        ).all()
        if rows:
            mean = sum(r.finished_at - r.started_at for r in rows) / len(rows)
        else:
            m = self.catalogue.matter(matter)
            mean = float(m.avg_service_s) if m else 600.0
        self._service_means[matter] = (now, mean)
        return mean

    def _ahead(self, conn: Connection, ticket: Any, now: float) -> tuple[int, int]:
        """(waiting ahead, estimated wait in seconds) of a waiting ticket."""
        shared, open_counters = self._sharing(conn, ticket.matter)
        ahead = W.waiting_ahead(conn, ticket, shared, now, self.policy)
        return ahead, P.estimate_wait_s(ahead, self._mean_service_s(conn, ticket.matter), open_counters)

    def _window(self, conn: Connection, counter_id: str | None) -> int | None:
        if counter_id is None:
            return None
        row = conn.execute(_SELECT_WINDOW, {"k_counter": counter_id}).first()
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
        self,
        conn: Connection,
        row: Row[Any],
        now: float,
        staff: bool = False,
        counter: Row[Any] | None = None,
        ahead: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """The ticket as its holder and staff see it. `counter` and `ahead` (waiting ahead, estimated wait),
        if the caller has them, save reading them."""
        m = self.catalogue.matter(row.matter)
        if counter is not None and counter.id == row.counter_id:
            window = counter.window
        else:
            window = self._window(conn, row.counter_id)
        view = self._ticket_brief(row, window)
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
            view["waiting_ahead"], view["estimated_wait_s"] = ahead or self._ahead(conn, row, now)
        view["windows"] = self._windows(conn, row.matter)
        if staff:
            view["green_reason"] = row.green_reason
            view["recalls"] = row.recalls
        return view

    def _active_at(self, conn: Connection, counter_id: str) -> Row[Any] | None:
        return conn.execute(_SELECT_ACTIVE, {"k_counter": counter_id}).first()

    def _transition(self, ticket: Row[Any], action: str) -> P.Status:
        try:
            return P.transition(P.Status(ticket.status), action, ticket.recalls, self.policy)
        except P.TransitionError as exc:
            raise HallError(
                exc.code,
                f"ticket {ticket.number}: {exc.message}",
                {"ticket": {"id": ticket.id, "number": ticket.number, "status": ticket.status}},
            ) from exc

    def _set_ticket(
        self,
        tx: Tx,
        ticket: Row[Any],
        counter: Row[Any] | None,
        event: str,
        extra: dict[str, Any] | None = None,
        **values: Any,
    ) -> dict[str, Any]:
        params = {"k_ticket": ticket.id, **{"v_" + k: v for k, v in values.items()}}
        row = tx.conn.execute(_update_ticket(tuple(values)), params).one()
        window = counter.window if counter is not None else None
        data = {"ticket": self._ticket_brief(row, window), **(extra or {})}
        tx.emit(event, data, ticket_id=row.id, counter_id=counter.id if counter is not None else None)
        return self._ticket_view(tx.conn, row, tx.now, staff=True, counter=counter)

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
