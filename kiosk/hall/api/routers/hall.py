"""Hall-wide reads: health, catalogue, the queue snapshot and statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kiosk.hall.api.deps import (
    Staff,
    Svc,
    Technician,
)
from kiosk.hall.api.models import Error, HallCloseIn, HallState, Health
from kiosk.hall.errors import HallError

router = APIRouter(tags=["hall"])


@router.get("/health", response_model=Health)
def health(svc: Svc) -> dict[str, Any]:
    return svc.health()


@router.get("/hall/state", response_model=HallState)
def hall_state(svc: Svc) -> dict[str, Any]:
    """Public: whether kiosks give numbers now (opening hours, staff closing), and the hours to show."""
    return svc.hall_state()


@router.post("/hall/close", response_model=HallState, responses={422: {"model": Error}})
def close_hall(svc: Svc, _: Staff, body: HallCloseIn | None = None) -> dict[str, Any]:
    """Close the hall now (event `hall.closed`): kiosks refuse numbers with `hall_closed` until it opens."""
    return svc.close_hall(body.reason if body is not None else "")


@router.post("/hall/open", response_model=HallState)
def open_hall(svc: Svc, _: Staff) -> dict[str, Any]:
    """Undo a staff closing (event `hall.opened`); the opening hours of config [hall.hours] still apply."""
    return svc.open_hall()


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
    day: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            description="business day, YYYY-MM-DD; default today",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
) -> dict[str, Any]:
    """Waiting and service time (mean, p90) per colour, matter and counter; no-show rate; ratings."""
    # A string, not `date`: pydantic would also take `day=0` (a Unix time) as 1970-01-01.
    return svc.stats(_day(day))


def _day(text: str | None) -> date | None:
    try:
        return None if text is None else date.fromisoformat(text)
    except ValueError as exc:
        raise HallError("invalid_request", f"day: {text} is not a date (YYYY-MM-DD)") from exc
