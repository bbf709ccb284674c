"""Staff: logging in at a counter (a session token), logging out, and the admin's account list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from kiosk.hall.api.deps import Admin, Staff, Svc
from kiosk.hall.api.models import Error, LoginIn, Session, StaffIn, StaffOut

router = APIRouter(tags=["staff"])


@router.post("/auth/login", response_model=Session, responses={401: {"model": Error}, 429: {"model": Error}})
async def login(body: LoginIn, svc: Svc, request: Request) -> dict[str, Any]:
    """Staff sign in with their own username and password; the token acts with the `counter` role.

    Guessing is limited per name and terminal, per terminal, and per name overall (429 with
    Retry-After); a member's own terminal stays usable while others guess at their name."""
    client = request.client.host if request.client else "unknown"
    # scrypt takes ~50 ms of CPU on purpose: off the event loop.
    return await run_in_threadpool(svc.login, body.username, body.password, body.counter, client)


@router.post("/auth/logout", status_code=204)
def logout(svc: Svc, who: Staff) -> Response:
    """End this staff session; device and admin tokens are refused (403): the CLI revokes those."""
    svc.logout(who)
    return Response(status_code=204)


@router.post("/staff", status_code=201, response_model=StaffOut, responses={409: {"model": Error}})
def create_staff(body: StaffIn, svc: Svc, _: Admin) -> dict[str, Any]:
    return svc.create_staff(body.username, body.name, body.password)


@router.get("/staff", response_model=list[StaffOut])
def list_staff(svc: Svc, _: Admin) -> list[dict[str, Any]]:
    return svc.list_staff()
