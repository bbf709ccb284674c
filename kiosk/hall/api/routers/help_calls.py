"""Calls for staff from kiosks (值班员指导): raise, list the open ones, acknowledge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from kiosk.hall.api.deps import Kiosk, Staff, Svc
from kiosk.hall.api.models import Error, HelpIn, HelpRequest

router = APIRouter(tags=["help"])


@router.post("/help", status_code=201, response_model=HelpRequest)
def request_help(
    svc: Svc,
    who: Kiosk,
    body: HelpIn | None = None,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=128,
            description="sent again unchanged by the kiosk's outbox: a redelivery returns the first answer",
        ),
    ] = None,
) -> JSONResponse:
    """A kiosk calls for staff: event `help.requested` with the kiosk's name, shown on counter terminals."""
    result = svc.request_help(who, body.note if body else "", key)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)


@router.get("/help", response_model=list[HelpRequest])
def open_help(svc: Svc, _: Staff) -> list[dict]:  # type: ignore[type-arg]
    """The calls no counter has acknowledged yet, oldest first."""
    return svc.open_help_requests()


@router.post("/help/{help_id}/answer", response_model=HelpRequest, responses={404: {"model": Error}})
def answer_help(help_id: str, svc: Svc, who: Staff) -> dict:  # type: ignore[type-arg]
    """A counter acknowledges a call (event `help.answered`); acknowledging it again changes nothing."""
    return svc.answer_help(help_id, who.name)
