"""Dependencies shared by the routers: the service, and bearer-token roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from kiosk.hall.errors import HallError
from kiosk.hall.service import HallService, Principal
from kiosk.hall.writer import ACTOR

ANY_ROLE = ("kiosk", "display", "counter", "technician", "admin")


async def service(request: Request) -> HallService:
    # async: FastAPI would run a plain function in its threadpool, a thread hop per request for nothing.
    return request.app.state.service  # type: ignore[no-any-return]


def bearer(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


def authorize(svc: HallService, token: str | None, roles: tuple[str, ...]) -> Principal:
    if token is None:
        raise HallError("unauthenticated", "send a bearer token: Authorization: Bearer <token>")
    return check_role(svc.authenticate(token), roles)


def check_role(principal: Principal | None, roles: tuple[str, ...]) -> Principal:
    """The principal if it may act here; it then becomes the actor its changes are recorded under."""
    if principal is None:
        raise HallError("unauthenticated", "this token is unknown or revoked")
    if principal.role != "admin" and principal.role not in roles:
        raise HallError(
            "forbidden", f"a {principal.role} token cannot do this; it needs {' or '.join(roles)}"
        )
    ACTOR.set({"name": principal.name, "role": principal.role})
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting tokens of `roles` (and admin, who may do everything)."""

    async def dep(request: Request, authorization: str | None = Header(default=None)) -> Principal:
        svc: HallService = request.app.state.service
        token = bearer(authorization)
        if token is None:
            raise HallError("unauthenticated", "send a bearer token: Authorization: Bearer <token>")
        known, principal = svc.cached_principal(token)
        if not known:  # a database read: off the event loop
            principal = await run_in_threadpool(svc.authenticate, token)
        return check_role(principal, roles)

    return dep


# Who may call what, as annotated parameter types (FastAPI's recommended dependency style).
AnyRole = Annotated[Principal, Depends(require(*ANY_ROLE))]
Admin = Annotated[Principal, Depends(require("admin"))]
Staff = Annotated[Principal, Depends(require("counter"))]
Issuer = Annotated[Principal, Depends(require("kiosk", "counter"))]
Rater = Annotated[Principal, Depends(require("kiosk", "counter", "display"))]
Reporter = Annotated[Principal, Depends(require("kiosk", "display", "counter", "technician"))]
Technician = Annotated[Principal, Depends(require("technician"))]
Svc = Annotated[HallService, Depends(service)]
