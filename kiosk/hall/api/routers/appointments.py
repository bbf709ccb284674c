"""Appointments: booked by the booking system (admin token), checked in at the kiosk or the desk."""

from __future__ import annotations

from fastapi import APIRouter, Response

from kiosk.hall.api.deps import (
    Admin,
    Issuer,
    Svc,
)
from kiosk.hall.api.models import Appointment, AppointmentIn, CardCheckInIn, CheckInIn, Error, Ticket
from kiosk.hall.api.routers.tickets import IdemKey, issue_response

router = APIRouter(tags=["appointments"])


@router.post("/appointments", status_code=201, response_model=Appointment, responses={422: {"model": Error}})
def create(body: AppointmentIn, svc: Svc, _: Admin) -> dict:  # type: ignore[type-arg]
    return svc.create_appointment(body.matter, body.slot_start, body.slot_end, body.reference, body.id_number)


@router.get("/appointments/{appointment_id}", response_model=Appointment, responses={404: {"model": Error}})
def get(appointment_id: str, svc: Svc, _: Issuer) -> dict:  # type: ignore[type-arg]
    return svc.get_appointment(appointment_id)


@router.post(
    "/appointments/{appointment_id}/check-in",
    status_code=201,
    response_model=Ticket,
    responses={404: {"model": Error}, 409: {"model": Error}},
)
def check_in(
    appointment_id: str,
    response: Response,
    svc: Svc,
    who: Issuer,
    key: IdemKey,
    body: CheckInIn | None = None,
) -> dict:  # type: ignore[type-arg]
    """Check in: issues the appointment's ticket, which goes first in its colour once the slot has begun."""
    result = svc.issue_ticket(
        None,
        body.green_reason if body else None,
        appointment_id,
        principal=who,
        idempotency_key=key,
    )
    return issue_response(result, response)


@router.post(
    "/appointments/check-in-by-card",
    status_code=201,
    response_model=Ticket,
    responses={404: {"model": Error}, 409: {"model": Error}},
)
def check_in_by_card(body: CardCheckInIn, response: Response, svc: Svc, who: Issuer, key: IdemKey) -> dict:  # type: ignore[type-arg]
    """Check in the appointment booked for the card's holder (预约签到 by ID card). A late arrival gets an
    ordinary ticket whose `notice.code` is `appointment_expired`; too early is refused."""
    result = svc.issue_ticket(
        None, body.green_reason, None, principal=who, idempotency_key=key, holder_key=body.holder_key
    )
    return issue_response(result, response)
