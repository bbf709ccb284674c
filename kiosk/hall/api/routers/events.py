"""The event stream: every state change once, in order, replayable from any sequence number."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from kiosk.hall.api.deps import (
    ANY_ROLE,
    AnyRole,
    Svc,
    authorize,
    bearer,
)
from kiosk.hall.api.models import EventPage
from kiosk.hall.errors import HallError
from kiosk.hall.service import HallService

router = APIRouter(tags=["events"])
PAGE = 500
# How often a live socket re-reads its token from the store: the bound on serving a revoked token.
RECHECK_S = 0.5


@router.get("/events", response_model=EventPage)
def events(
    svc: Svc,
    _: AnyRole,
    since: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=PAGE)] = PAGE,
) -> dict:  # type: ignore[type-arg]
    """Events with seq > since (a page of at most `limit`); poll again with the last seq you got."""
    return svc.events_page(since, limit)


@router.websocket("/events/ws")
async def events_ws(
    websocket: WebSocket, since: Annotated[int, Query(ge=0)] = 0, token: str | None = None
) -> None:
    """Push stream: replays events after `since`, then sends each new one as it commits (JSON text frames).

    Browsers cannot set headers on a WebSocket, so the token may also come as ?token=. The socket closes
    (code 4401) within a second of its token being revoked, its session ended or its staff account disabled.
    """
    svc: HallService = websocket.app.state.service
    await websocket.accept()
    secret = bearer(websocket.headers.get("authorization")) or token
    try:
        authorize(svc, secret, ANY_ROLE)
    except HallError as exc:
        await websocket.close(code=4401 if exc.code == "unauthenticated" else 4403, reason=exc.message[:120])
        return
    assert secret is not None
    sub = svc.subscribe_events()
    # Reading from the client is how a disconnect is noticed while no events flow.
    receiver = asyncio.create_task(_drain(websocket))
    last = since
    checked = time.monotonic()
    try:
        while not receiver.done():
            if time.monotonic() - checked >= RECHECK_S:
                # Past the token cache: a revocation by another process (the CLI) must end the stream too.
                if await run_in_threadpool(svc.recheck_token, secret) is None:
                    await websocket.close(code=4401, reason="the token was revoked or its session ended")
                    return
                checked = time.monotonic()
            batch = svc.recent_events(last, PAGE)
            if batch is None:  # older than the memory window: the database has it
                batch = await run_in_threadpool(svc.events_since, last, PAGE)
            for ev in batch:
                await websocket.send_text(json.dumps(ev, ensure_ascii=False, separators=(",", ":")))
                last = ev["seq"]
            if len(batch) >= PAGE:
                continue
            left = max(0.0, RECHECK_S - (time.monotonic() - checked))
            waiter = asyncio.create_task(sub.wait(left))
            await asyncio.wait({waiter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if not waiter.done():
                waiter.cancel()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        sub.close()
        receiver.cancel()
        with contextlib.suppress(Exception):
            await websocket.close()


async def _drain(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            msg = await websocket.receive()
            if msg["type"] == "websocket.disconnect":
                return
