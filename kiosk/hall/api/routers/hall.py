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
    return svc.health()


@router.get("/catalogue")
def catalogue(svc: Svc) -> dict[str, Any]:
    """Public: categories and matters (colour, materials to bring, ID needed) and what kiosks must know."""
    return svc.catalogue_view()


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
