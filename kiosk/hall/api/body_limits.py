"""An ASGI guard in front of the API: request bodies over the size limit get 413, JSON nested too deeply
422, both with the hall's stable error codes and before any of it is parsed.

Not FastAPI's `max_body_size`: Starlette's limiter answers a body declared too large with its own plain-text
413 (no code for clients to branch on), and the depth scan needs the whole body in one buffer anyway. Pure
ASGI (no BaseHTTPMiddleware), so the hot issue path pays one join and two byte counts.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.hall.errors import HallError
from kiosk.hall.json_limits import MAX_BODY_BYTES, MAX_DEPTH, too_deep


class BodyLimits:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_DEPTH) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send, self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and too_deep(body, self.max_depth):
            await self._refuse(
                send,
                HallError(
                    "json_too_deep",
                    f"the request body nests arrays or objects deeper than {self.max_depth} levels",
                    {"max_depth": self.max_depth},
                ),
            )
            return
        await self.app(
            scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send
        )

    def _too_large(self) -> HallError:
        return HallError(
            "payload_too_large",
            f"the request body is larger than {self.max_bytes} bytes",
            {"max_bytes": self.max_bytes},
        )

    async def _refuse(self, send: Send, error: HallError) -> None:
        response = JSONResponse(error.body(), status_code=error.status)
        # The unread rest of the body must not be taken as the next request on this connection.
        response.headers["Connection"] = "close"
        await response({"type": "http"}, _replay([], None), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(messages: list[Message], then: Receive | None) -> Receive:
    """`messages` first, then the connection's own receive (which reports a disconnect when it comes)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive
