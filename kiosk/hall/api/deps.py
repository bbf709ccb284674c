"""Dependencies shared by the routers: the service, and bearer-token roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from kiosk.hall.errors import HallError
from kiosk.hall.service import HallService, Principal

ANY_ROLE = ("kiosk", "display", "counter", "technician", "admin")
# Declared as a security scheme so the OpenAPI says how to authenticate; refusals stay the hall's own (401
# with a stable code), hence auto_error=False.
BEARER = HTTPBearer(auto_error=False, description="a device token (hq_…) or a staff session (hs_…)")


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
    return check_role(svc, svc.authenticate(token), roles)


def check_role(svc: HallService, principal: Principal | None, roles: tuple[str, ...]) -> Principal:
    """The principal if it may act here; it then becomes the actor its changes are recorded under."""
    if principal is None:
        raise HallError("unauthenticated", "this token is unknown or revoked")
    if principal.role != "admin" and principal.role not in roles:
        raise HallError(
            "forbidden", f"a {principal.role} token cannot do this; it needs {' or '.join(roles)}"
        )
    svc.act_as(principal)
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting tokens of `roles` (and admin, who may do everything)."""

    async def dep(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
    ) -> Principal:
        svc: HallService = request.app.state.service
        token = credentials.credentials if credentials is not None else None
        if token is None:
            raise HallError("unauthenticated", "send a bearer token: Authorization: Bearer <token>")
        known, principal = svc.cached_principal(token)
        if not known:  # a database read: off the event loop
            principal = await run_in_threadpool(svc.authenticate, token)
        return check_role(svc, principal, roles)

    return dep


# Who may call what, as annotated parameter types (FastAPI's recommended dependency style).
AnyRole = Annotated[Principal, Depends(require(*ANY_ROLE))]
Admin = Annotated[Principal, Depends(require("admin"))]
Staff = Annotated[Principal, Depends(require("counter"))]
Kiosk = Annotated[Principal, Depends(require("kiosk"))]
Issuer = Annotated[Principal, Depends(require("kiosk", "counter"))]
Rater = Annotated[Principal, Depends(require("kiosk", "counter", "display"))]
Reporter = Annotated[Principal, Depends(require("kiosk", "display", "counter", "technician"))]
Technician = Annotated[Principal, Depends(require("technician"))]
Svc = Annotated[HallService, Depends(service)]
