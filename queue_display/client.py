"""The back office as the call board and counter terminals see it: REST calls and a resilient event follower.

Qt-free on purpose: the UIs wrap the follower's callbacks into signals. The follower keeps the last
sequence number it delivered and always resumes with `since=` it, so after a back-office restart or a
network drop it replays what it missed and never delivers an event twice. When the WebSocket cannot be
opened it falls back to polling GET /events, and goes back to the WebSocket once it answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import websockets

log = logging.getLogger(__name__)
Event = dict[str, Any]


class HallApiError(Exception):
    """The back office refused a request: its stable code and the messages to show."""

    def __init__(self, status: int, code: str, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.message_zh = message_zh or message


class HallUnreachable(Exception):
    """The back office did not answer (down, restarting, network): show it and retry."""


def find_hall(url: str | None, timeout: float = 3.0) -> str:
    """The hall's base URL: the one given, or the first hall zeroconf finds on the LAN."""
    if url:
        return url.rstrip("/")
    from kiosk.hall.discovery import discover_halls

    halls = discover_halls(timeout)
    if not halls:
        raise HallUnreachable("no hall back office was found on the network (zeroconf _hallqueue._tcp)")
    return halls[0].url


class HallClient:
    """Synchronous REST calls for UI actions (each is one short request)."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(base_url=self.base_url + "/api/v1", timeout=timeout)

    def set_token(self, token: str | None) -> None:
        self.token = token

    def request(self, method: str, path: str, json_body: Any = None, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", None) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            r = self._http.request(method, path, json=json_body, headers=headers, **kw)
        except httpx.TransportError as exc:
            raise HallUnreachable(f"the back office at {self.base_url} does not answer: {exc}") from exc
        if r.status_code == 204:
            return None
        try:
            body = r.json()
        except ValueError:
            body = {"code": "bad_response", "message": r.text[:200]}
        if r.status_code >= 400:
            raise HallApiError(
                r.status_code,
                body.get("code", "error"),
                body.get("message", r.reason_phrase),
                body.get("message_zh", ""),
            )
        return body

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.request("POST", path, body, **kw)

    def close(self) -> None:
        self._http.close()


@dataclass
class FollowerState:
    connected: bool = False
    mode: str = "connecting"  # "websocket" | "polling" | "connecting"
    last_seq: int = 0
    error: str = ""
    since: float = 0.0  # monotonic time of the last change of `connected`


class EventFollower:
    """Delivers every event after `since`, once and in order, across restarts and network drops."""

    def __init__(
        self,
        base_url: str,
        token: str,
        on_event: Callable[[Event], None],
        since: int = 0,
        on_state: Callable[[FollowerState], None] | None = None,
        poll_interval: float = 1.0,
        ws_retry_s: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.on_event = on_event
        self.on_state = on_state
        self.poll_interval = poll_interval
        self.ws_retry_s = ws_retry_s
        self.state = FollowerState(last_seq=since, since=time.monotonic())
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def last_seq(self) -> int:
        return self.state.last_seq

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hall-events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(lambda: None)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._follow())
        finally:
            self._loop.close()

    def _set(self, connected: bool, mode: str, error: str = "") -> None:
        s = self.state
        if (s.connected, s.mode, s.error) == (connected, mode, error):
            return
        if s.connected != connected:
            s.since = time.monotonic()
        s.connected, s.mode, s.error = connected, mode, error
        if self.on_state is not None:
            try:
                self.on_state(FollowerState(**vars(s)))
            except Exception:
                log.exception("event follower: state callback failed")

    def _deliver(self, ev: Event) -> None:
        # The stream is ordered; anything at or below what was delivered is a replay overlap: drop it.
        if ev["seq"] <= self.state.last_seq:
            return
        self.state.last_seq = ev["seq"]
        try:
            self.on_event(ev)
        except Exception:
            log.exception("event follower: handler failed for event %s", ev.get("seq"))

    async def _follow(self) -> None:
        delay = 0.1
        ws_failed_at = 0.0
        while not self._stop.is_set():
            use_ws = time.monotonic() - ws_failed_at >= self.ws_retry_s
            try:
                if use_ws:
                    await self._websocket()
                else:
                    await self._poll_once()
                    delay = 0.1
                    await self._sleep(self.poll_interval)
                    continue
            except (OSError, websockets.WebSocketException, httpx.HTTPError, TimeoutError) as exc:
                code = getattr(getattr(exc, "rcvd", None), "code", None)
                if code in (4401, 4403):
                    self._set(False, "connecting", f"the hall refused this display's token ({code})")
                    await self._sleep(5.0)
                    continue
                if use_ws:
                    ws_failed_at = time.monotonic()
                    # The WebSocket may be what is broken (a proxy that refuses upgrades): try polling now.
                    try:
                        await self._poll_once()
                        continue
                    except (OSError, httpx.HTTPError) as exc2:
                        exc = exc2
                        # Polling failed too: the back office is down, not the WebSocket. Go back to the
                        # WebSocket as soon as it answers instead of polling for ws_retry_s after a restart.
                        ws_failed_at = 0.0
                self._set(False, "connecting", str(exc) or type(exc).__name__)
                await self._sleep(delay)
                # Capped well under the design's 3 s reconnect budget.
                delay = min(delay * 2, 1.5)

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stop.is_set() and time.monotonic() < end:
            await asyncio.sleep(min(0.05, end - time.monotonic()))

    async def _websocket(self) -> None:
        url = self.base_url.replace("http://", "ws://").replace("https://", "wss://")
        async with websockets.connect(
            f"{url}/api/v1/events/ws?since={self.state.last_seq}&token={self.token}",
            open_timeout=3,
            ping_interval=10,
            ping_timeout=10,
        ) as ws:
            self._set(True, "websocket")
            while not self._stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.25)
                except TimeoutError:
                    continue
                self._deliver(json.loads(raw))

    async def _poll_once(self) -> None:
        async with httpx.AsyncClient(timeout=3.0) as client:
            while True:
                r = await client.get(
                    f"{self.base_url}/api/v1/events",
                    params={"since": self.state.last_seq, "limit": 500},
                    headers={"Authorization": f"Bearer {self.token}"},
                )
                r.raise_for_status()
                page = r.json()
                self._set(True, "polling")
                for ev in page["events"]:
                    self._deliver(ev)
                if len(page["events"]) < 500:
                    return
