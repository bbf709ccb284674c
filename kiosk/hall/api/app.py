"""The FastAPI application of the hall back office: routers under /api/v1, errors as stable JSON codes."""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kiosk.hall.api.body_limits import BodyLimits
from kiosk.hall.api.openapi import hall_openapi
from kiosk.hall.api.routers import appointments, auth, counters, devices, events, hall, help_calls, tickets
from kiosk.hall.errors import ERRORS, HallError
from kiosk.hall.service import HallService

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def _error(code: str, message: str, details: dict | None = None) -> JSONResponse:  # type: ignore[type-arg]
    return JSONResponse(HallError(code, message, details).body(), status_code=ERRORS[code][0])


def _field(loc: tuple | list) -> str:  # type: ignore[type-arg]
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _missing_key(error: Any) -> bool:
    return tuple(error.get("loc", ())) == ("header", "Idempotency-Key") and error.get("type") in (
        "missing",
        "string_too_short",
    )


def create_app(svc: HallService) -> FastAPI:
    app = FastAPI(
        title="Community service hall back office",
        version="1.0.0",
        description="Three-colour queue, counters, appointments, statistics and device health of one hall.",
        openapi_url="/openapi.json",
    )
    app.state.service = svc
    app.add_middleware(BodyLimits)
    app.openapi = lambda: hall_openapi(app)  # type: ignore[method-assign]
    for module in (hall, tickets, counters, appointments, events, devices, auth, help_calls):
        app.include_router(module.router, prefix=API_PREFIX)

    @app.exception_handler(HallError)
    async def hall_error(_: Request, exc: HallError) -> JSONResponse:
        retry = exc.details.get("retry_after_s")
        headers = {"Retry-After": str(retry)} if exc.status == 429 and retry else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error("malformed_json", "the request body is not valid JSON")
        if any(_missing_key(e) for e in errors):
            return _error(
                "idempotency_key_required",
                "send an Idempotency-Key header (a fresh random value per ticket, reused on retries)",
            )
        problems = [f"{_field(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors]
        return _error(
            "invalid_request",
            "; ".join(problems),
            {"errors": [{"field": _field(e.get("loc", ())), "problem": e.get("msg")} for e in errors]},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            response = _error("method_not_allowed", "this address does not take that method")
            # RFC 9110: a 405 says which methods the address takes: those of every route on the path (the
            # router names only the first route it tried).
            response.headers["Allow"] = ", ".join(_allowed_methods(app, request))
            return response
        if exc.status_code == 404:
            return _error("not_found", "there is nothing at this address")
        log.warning("HTTP %d from the framework: %s", exc.status_code, exc.detail)
        return _error("bad_request", str(exc.detail))

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _error("internal_error", "the back office hit an unexpected error; it has been logged")

    @app.get("/t/{ticket_id}", response_class=HTMLResponse, include_in_schema=False)
    def ticket_page(ticket_id: str) -> HTMLResponse:
        """The page behind a ticket's QR code: its status, readable on a phone. No personal data."""
        try:
            t = svc.get_ticket(ticket_id)
        except HallError:
            return HTMLResponse(_page("号票不存在 Ticket not found", "<p>请核对号票上的二维码。</p>"), 404)
        status_zh = {
            "waiting": "等候中",
            "called": "请到窗口办理",
            "serving": "办理中",
            "done": "已办结",
            "no_show": "已过号,请到服务台",
            "cancelled": "已取消",
            "expired": "已过期",
        }
        lines = [
            f"<h1 class='{t['colour']}'>{html.escape(t['number'])}</h1>",
            f"<p>{html.escape(t['matter_name_zh'])}<br><small>{html.escape(t['matter_name_en'])}</small></p>",
            f"<p class='status'>{status_zh.get(t['status'], t['status'])}</p>",
        ]
        if t["status"] == "waiting":
            minutes = -(-(t["estimated_wait_s"] or 0) // 60)
            lines.append(f"<p>前面还有 <b>{t['waiting_ahead']}</b> 人,预计等候约 {minutes} 分钟</p>")
        if t["window"] is not None and t["status"] in ("called", "serving"):
            lines.append(f"<p class='status'>请到 <b>{t['window']}</b> 号窗口</p>")
        return HTMLResponse(_page(f"{t['number']} — {svc.hall_name()}", "\n".join(lines)))

    return app


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods some route takes at this request's path (asked of the router, included ones too)."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="refresh" content="15">
<title>{html.escape(title)}</title><style>
body{{font-family:sans-serif;font-size:22px;margin:1.5em;color:#111;background:#fff}}
h1{{font-size:72px;margin:.2em 0}} .green{{color:#0a6b2d}} .yellow{{color:#7a5a00}} .blue{{color:#0b4ea2}}
.status{{font-size:28px;font-weight:bold}}</style></head><body>{body}</body></html>"""
