"""Hall statistics computed from the event log alone (pure: events in, figures out).

Waiting time is measured per wait: from issue (or reinstatement, or transfer) to the call that ends it.
Service time runs from start to finish (or to a transfer). The no-show rate is no-shows over calls that
reached an outcome (started or no-show). Ratings follow 好差评: levels 5..1, good = 4–5, bad = 1–2.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kiosk.hall.events import Event

_WAIT_STARTS = ("ticket.issued", "ticket.reinstated", "ticket.transferred")
_WAIT_ENDS = ("ticket.cancelled", "ticket.expired")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "mean_s": None, "p90_s": None}
    return {
        "count": len(values),
        "mean_s": round(sum(values) / len(values), 1),
        "p90_s": round(percentile(values, 0.9), 1),
    }


class _Samples:
    def __init__(self) -> None:
        self.total: list[float] = []
        self.by: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    def add(self, value: float, **keys: str | None) -> None:
        self.total.append(value)
        for dim, key in keys.items():
            if key is not None:
                self.by[dim][key].append(value)

    def report(self, dims: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"all": summary(self.total)}
        for dim in dims:
            out[f"by_{dim}"] = {k: summary(v) for k, v in sorted(self.by[dim].items())}
        return out


def compute_stats(events: Iterable[Event]) -> dict[str, Any]:
    waits = _Samples()
    services = _Samples()
    wait_open: dict[str, tuple[float, str, str]] = {}  # ticket -> (since, colour, matter)
    serve_open: dict[
        str, tuple[float, str, str, str | None]
    ] = {}  # ticket -> (since, colour, matter, counter)
    issued: dict[str, int] = defaultdict(int)
    outcomes = {"no_show": 0, "started": 0, "finished": 0, "cancelled": 0, "expired": 0}
    no_show_by_counter: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # counter -> [no-shows, outcomes]
    ratings = {str(level): 0 for level in range(5, 0, -1)}
    rating_by_counter: dict[str, list[int]] = defaultdict(list)

    for ev in events:
        kind = ev["type"]
        data = ev.get("data") or {}
        t = data.get("ticket") or {}
        tid = t.get("id")
        if tid is None:
            continue
        ts = float(ev["ts"])
        colour, matter, counter = t.get("colour"), t.get("matter"), t.get("counter")
        if kind == "ticket.issued":
            issued[colour] += 1
        if kind == "ticket.transferred" and tid in serve_open:
            since, c0, m0, k0 = serve_open.pop(tid)
            services.add(ts - since, colour=c0, matter=m0, counter=k0)
        if kind in _WAIT_STARTS:
            wait_open[tid] = (ts, colour, matter)
        elif kind == "ticket.called" and tid in wait_open:
            since, c0, m0 = wait_open.pop(tid)
            waits.add(ts - since, colour=c0, matter=m0, counter=counter)
        elif kind in _WAIT_ENDS:
            wait_open.pop(tid, None)
            serve_open.pop(tid, None)
            outcomes["cancelled" if kind == "ticket.cancelled" else "expired"] += 1
        elif kind == "ticket.started":
            serve_open[tid] = (ts, colour, matter, counter)
            outcomes["started"] += 1
            if counter:
                no_show_by_counter[counter][1] += 1
        elif kind == "ticket.finished":
            outcomes["finished"] += 1
            if tid in serve_open:
                since, c0, m0, k0 = serve_open.pop(tid)
                services.add(ts - since, colour=c0, matter=m0, counter=k0)
        elif kind == "ticket.no_show":
            outcomes["no_show"] += 1
            if counter:
                no_show_by_counter[counter][0] += 1
                no_show_by_counter[counter][1] += 1
        elif kind == "ticket.rated":
            level = int(data["level"])
            ratings[str(level)] += 1
            if counter:
                rating_by_counter[counter].append(level)

    reached = outcomes["no_show"] + outcomes["started"]
    rated = sum(ratings.values())
    good = ratings["5"] + ratings["4"]
    bad = ratings["2"] + ratings["1"]
    return {
        "issued": {"all": sum(issued.values()), **dict(sorted(issued.items()))},
        "outcomes": outcomes,
        "waiting": waits.report(("colour", "matter", "counter")),
        "service": services.report(("colour", "matter", "counter")),
        "no_show_rate": round(outcomes["no_show"] / reached, 4) if reached else None,
        "no_show_rate_by_counter": {
            k: round(n / d, 4) for k, (n, d) in sorted(no_show_by_counter.items()) if d
        },
        "ratings": {
            "count": rated,
            "levels": ratings,
            "mean": round(sum(int(k) * v for k, v in ratings.items()) / rated, 2) if rated else None,
            "good_rate": round(good / rated, 4) if rated else None,
            "bad_rate": round(bad / rated, 4) if rated else None,
            "by_counter": {
                k: {"count": len(v), "mean": round(sum(v) / len(v), 2)}
                for k, v in sorted(rating_by_counter.items())
            },
        },
        "waiting_now": len(wait_open),
    }
