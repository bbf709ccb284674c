"""Counters (windows): configuration by the admin, and the staff actions of call, serve and transfer."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from kiosk.hall.api.deps import (
    Admin,
    AnyRole,
    Staff,
    Svc,
)
from kiosk.hall.api.models import CallIn, Counter, CounterIn, Error, StaffTicket, TicketStatus, TransferIn

router = APIRouter(tags=["counters"])
E409 = {404: {"model": Error}, 409: {"model": Error}}
# The store keeps 32 characters; an id is refused rather than cut (two long ids would become one counter).
NewCounterId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        description="1–32 of A-Z, a-z, 0-9, '_', '.', '-'",
    ),
]


@router.get("/counters", response_model=list[Counter])
def list_counters(svc: Svc, _: AnyRole) -> list[dict]:  # type: ignore[type-arg]
    return svc.list_counters()


@router.get("/counters/{counter_id}", response_model=Counter, responses=E409)
def get_counter(counter_id: str, svc: Svc, _: AnyRole) -> dict:  # type: ignore[type-arg]
    return svc.get_counter(counter_id)


@router.put(
    "/counters/{counter_id}",
    response_model=Counter,
    responses={201: {"model": Counter, "description": "created"}, 422: {"model": Error}},
)
def put_counter(counter_id: NewCounterId, body: CounterIn, response: Response, svc: Svc, _: Admin) -> dict:  # type: ignore[type-arg]
    """Create or replace a counter: its window number, names, and the matters (or groups) it serves."""
    view, created = svc.put_counter(
        counter_id, body.window, body.name_zh, body.name_en, body.matters, body.groups
    )
    response.status_code = 201 if created else 200
    return view


@router.delete("/counters/{counter_id}", status_code=204, responses=E409)
def delete_counter(counter_id: str, svc: Svc, _: Admin) -> Response:
    svc.delete_counter(counter_id)
    return Response(status_code=204)


@router.get("/counters/{counter_id}/tickets", response_model=list[StaffTicket], responses=E409)
def counter_tickets(counter_id: str, svc: Svc, _: Staff, status: TicketStatus = "no_show") -> list[dict]:  # type: ignore[type-arg]
    """Today's tickets of this counter in a status: its no-shows, for staff to reinstate one who came back."""
    return svc.counter_tickets(counter_id, status)


@router.post(
    "/counters/{counter_id}/call-next",
    response_model=StaffTicket,
    responses={204: {"description": "no ticket waits for this counter"}, **E409},
)
async def call_next(counter_id: str, svc: Svc, _: Staff) -> Response:
    # A counter's busiest calls are awaited on the event loop (no threadpool hop) and returned as built:
    # the service already produced the documented shape.
    ticket = await asyncio.wrap_future(svc.submit_call_next(counter_id))
    return Response(status_code=204) if ticket is None else JSONResponse(ticket)


@router.post("/counters/{counter_id}/call", response_model=StaffTicket, responses=E409)
def call_ticket(counter_id: str, body: CallIn, svc: Svc, _: Staff) -> dict:  # type: ignore[type-arg]
    """Call one chosen waiting ticket out of order."""
    return svc.call_ticket(counter_id, body.ticket)


async def _action(svc: Svc, counter_id: str, action: str) -> JSONResponse:
    return JSONResponse(await asyncio.wrap_future(svc.submit_action(counter_id, action)))


@router.post("/counters/{counter_id}/recall", response_model=StaffTicket, responses=E409)
async def recall(counter_id: str, svc: Svc, _: Staff) -> JSONResponse:
    return await _action(svc, counter_id, "recall")


@router.post("/counters/{counter_id}/no-show", response_model=StaffTicket, responses=E409)
async def no_show(counter_id: str, svc: Svc, _: Staff) -> JSONResponse:
    return await _action(svc, counter_id, "no_show")


@router.post("/counters/{counter_id}/start", response_model=StaffTicket, responses=E409)
async def start(counter_id: str, svc: Svc, _: Staff) -> JSONResponse:
    return await _action(svc, counter_id, "start")


@router.post("/counters/{counter_id}/finish", response_model=StaffTicket, responses=E409)
async def finish(counter_id: str, svc: Svc, _: Staff) -> JSONResponse:
    return await _action(svc, counter_id, "finish")


@router.post("/counters/{counter_id}/transfer", response_model=StaffTicket, responses=E409)
def transfer(counter_id: str, body: TransferIn, svc: Svc, _: Staff) -> dict:  # type: ignore[type-arg]
    """Send the ticket being served to another matter's queue, first in its colour, same number."""
    return svc.transfer(counter_id, body.matter)


@router.post("/counters/{counter_id}/pause", response_model=Counter, responses=E409)
def pause(counter_id: str, svc: Svc, _: Staff) -> dict:  # type: ignore[type-arg]
    return svc.set_paused(counter_id, True)


@router.post("/counters/{counter_id}/resume", response_model=Counter, responses=E409)
def resume(counter_id: str, svc: Svc, _: Staff) -> dict:  # type: ignore[type-arg]
    return svc.set_paused(counter_id, False)
