"""Tickets: issue (kiosk, counter desk), public status, staff actions by ticket, rating."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from kiosk.hall.api.deps import (
    Issuer,
    Kiosk,
    Rater,
    Staff,
    Svc,
)
from kiosk.hall.api.models import (
    DayKey,
    Error,
    PersonKey,
    PersonTickets,
    Rating,
    RatingIn,
    ReprintedTicket,
    StaffTicket,
    Ticket,
    TicketIn,
)
from kiosk.hall.service import IssueResult

router = APIRouter(tags=["tickets"])
IdemKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        description="a fresh random value per ticket, sent again unchanged on every retry of it",
    ),
]


def issue_response(result: IssueResult, response: Response) -> dict:  # type: ignore[type-arg]
    response.status_code = result.status_code
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return result.body


@router.post(
    "/tickets",
    status_code=201,
    response_model=Ticket,
    responses={400: {"model": Error}, 404: {"model": Error}, 409: {"model": Error}},
)
async def issue_ticket(
    body: TicketIn,
    svc: Svc,
    who: Issuer,
    key: IdemKey,
) -> JSONResponse:
    """Issue a ticket for a matter (or check in `appointment`); a retry with the same key never issues two.

    A kiosk is refused (409) with `hall_closed` (details: hours, next_opening, closed_by_staff, reason),
    `outside_ticket_hours` (details: ticket_hours) or `quota_used` (details: daily_quota); a counter's
    token is not, since staff decide at the desk. With `person_key`, the same person already waiting for
    the matter today gets `already_waiting` with details.ticket (offer POST /tickets/{id}/reprint)."""
    # The hall's busiest call: awaited on the event loop (no threadpool hop) and returned as built, since
    # the service already produced the documented shape.
    future = svc.submit_issue(
        body.matter,
        body.green_reason,
        body.appointment,
        principal=who,
        idempotency_key=key,
        person_key=body.person_key,
    )
    result = await asyncio.wrap_future(future)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)


@router.get("/tickets", response_model=PersonTickets, responses={422: {"model": Error}})
def person_tickets(person: Annotated[PersonKey, Query()], svc: Svc, _: Kiosk) -> dict:  # type: ignore[type-arg]
    """Today's tickets of the person whose key this is (进度查询): status, people ahead, window."""
    return svc.person_tickets(person)


@router.get("/kiosk/day-key", response_model=DayKey)
def day_key(svc: Svc, _: Kiosk) -> dict:  # type: ignore[type-arg]
    """Today's secret for person keys, for kiosk tokens only; deleted from the hall when the day ends."""
    return svc.day_key()


@router.post(
    "/tickets/{ticket_id}/reprint", response_model=ReprintedTicket, responses={409: {"model": Error}}
)
def reprint(ticket_id: str, svc: Svc, _: Issuer) -> dict:  # type: ignore[type-arg]
    """Print today's ticket again (event `ticket.reprinted`); the answer is marked `reprint`."""
    return svc.reprint(ticket_id)


@router.get("/tickets/{ticket_id}", response_model=Ticket, responses={404: {"model": Error}})
def get_ticket(ticket_id: str, svc: Svc) -> dict:  # type: ignore[type-arg]
    """Public: anyone holding the ticket's id (its QR code) may see its status. No personal data."""
    return svc.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/cancel", response_model=StaffTicket, responses={409: {"model": Error}})
def cancel(ticket_id: str, svc: Svc, _: Issuer) -> dict:  # type: ignore[type-arg]
    return svc.cancel(ticket_id)


@router.post("/tickets/{ticket_id}/reinstate", response_model=StaffTicket, responses={409: {"model": Error}})
def reinstate(ticket_id: str, svc: Svc, _: Staff) -> dict:  # type: ignore[type-arg]
    """A no-show who came back: waiting again, `requeue_offset` tickets back in its colour."""
    return svc.reinstate(ticket_id)


@router.post(
    "/tickets/{ticket_id}/rating",
    status_code=201,
    response_model=Rating,
    responses={409: {"model": Error}, 422: {"model": Error}},
)
def rate(ticket_id: str, body: RatingIn, svc: Svc, who: Rater, key: IdemKey = None) -> JSONResponse:
    """Record a rating, once per ticket. With an Idempotency-Key a redelivery returns the first answer
    (and the header Idempotent-Replayed) instead of being refused as already rated."""
    result = svc.rate_once(ticket_id, body.level, body.tags, principal=who, idempotency_key=key)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)
