"""Hall-wide reads: health, catalogue, the queue snapshot and statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kiosk.hall.api.deps import (
    Svc,
    Technician,
)
from kiosk.hall.api.models import Health

router = APIRouter(tags=["hall"])


@router.get("/health", response_model=Health)
def health(svc: Svc) -> dict[str, Any]:
    return {
        "status": "ok",
        "api": "v1",
        "hall": svc.config.hall.name,
        "database": svc.store.dialect,
        "last_seq": svc.hub.last_seq,
    }


@router.get("/catalogue")
def catalogue(svc: Svc) -> dict[str, Any]:
    """Public: categories and matters (colour, materials to bring, ID needed) and what kiosks must know."""
    out = svc.catalogue.to_dict()
    counters = svc.list_counters()
    for cat in out["categories"]:
        for m in cat["matters"]:
            # The colour a resident without a green reason gets; green follows the person, not the matter.
            m["colour"] = "yellow" if m["enterprise"] else "blue"
            m["counters"] = [c["id"] for c in counters if m["id"] in c["serves"]]
    out["hall"] = {"name": svc.config.hall.name, "name_en": svc.config.hall.name_en}
    out["green_age"] = svc.policy.green_age
    p = svc.policy
    out["policy"] = {
        "max_recalls": p.max_recalls,
        "green_age": p.green_age,
        "priority_burst": p.priority_burst,
        "max_wait_s": p.max_wait_s,
        "requeue_offset": p.requeue_offset,
    }
    return out


@router.get("/queue")
def queue(svc: Svc) -> dict[str, Any]:
    """Public snapshot for call boards: waiting per colour and matter, who is at which window, last calls."""
    return svc.queue_snapshot()


@router.get("/stats")
def stats(
    svc: Svc,
    _: Technician,
    day: Annotated[date | None, Query(description="business day; default today")] = None,
) -> dict[str, Any]:
    """Waiting and service time (mean, p90) per colour, matter and counter; no-show rate; ratings."""
    return svc.stats(day)
