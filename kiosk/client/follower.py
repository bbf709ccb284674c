"""The event follower: every event after a sequence number, once and in order, across restarts and drops.

It keeps the last sequence number it delivered and always resumes with `since=` it, so after a back-office
restart or a network drop it replays what it missed and never delivers an event twice. When the WebSocket
cannot be opened it falls back to polling GET /events, and goes back to the WebSocket once it answers again.
A token the back office refuses (WebSocket close 4401/4403, HTTP 401/403) puts it in `Link.REFUSED`.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx
import websockets

from kiosk.client.models import Event
from kiosk.client.rest import API_PREFIX

log = logging.getLogger(__name__)

PAGE = 500
_REFUSED_CLOSE_CODES = (4401, 4403)
_REFUSED_RETRY_S = 5.0  # a token may be re-enabled by an admin; asking again now and then costs nothing
_MAX_BACKOFF_S = 1.5  # well under the design's 3 s reconnect budget


class Link(enum.Enum):
    """How a screen is linked to the back office; the value is what screens show and log."""

    SEARCHING = "searching"  # looking for a hall on the LAN (zeroconf)
    CONNECTING = "connecting"  # never connected yet
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"  # was connected, lost it
    REFUSED = "refused"  # the back office does not accept this device's token


class Mode(enum.Enum):
    NONE = ""
    WEBSOCKET = "websocket"
    POLLING = "polling"


@dataclass(frozen=True)
class FollowerState:
    link: Link = Link.CONNECTING
    mode: Mode = Mode.NONE
    last_seq: int = 0
    error: str = ""
    since: float = 0.0  # monotonic time of the last change of `connected`

    @property
    def connected(self) -> bool:
        return self.link is Link.CONNECTED


class _Refused(Exception):
    pass


class EventFollower:
    """Delivers every event after `since` to `on_event`, on its own thread."""

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
        self._token = token
        self.on_event = on_event
        self.on_state = on_state
        self.poll_interval = poll_interval
        self.ws_retry_s = ws_retry_s
        self.state = FollowerState(last_seq=since, since=time.monotonic())
        self._ever_connected = False
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

    def _set(self, link: Link, mode: Mode, error: str = "") -> None:
        s = self.state
        if link is Link.CONNECTING and self._ever_connected:
            link = Link.RECONNECTING
        if (s.link, s.mode, s.error) == (link, mode, error):
            return
        since = time.monotonic() if (link is Link.CONNECTED) != s.connected else s.since
        self._ever_connected = self._ever_connected or link is Link.CONNECTED
        self.state = replace(s, link=link, mode=mode, error=error, since=since)
        if self.on_state is not None:
            try:
                self.on_state(self.state)
            except Exception:
                log.exception("event follower: state callback failed")

    def _deliver(self, raw: dict[str, object]) -> None:
        ev = Event.from_json(raw)
        # The stream is ordered; anything at or below what was delivered is a replay overlap: drop it.
        if ev.seq <= self.state.last_seq:
            return
        self.state = replace(self.state, last_seq=ev.seq)
        try:
            self.on_event(ev)
        except Exception:
            log.exception("event follower: handler failed for event %s", ev.seq)

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
            except _Refused as exc:
                await self._refused(str(exc))
                continue
            except (OSError, websockets.WebSocketException, httpx.HTTPError, TimeoutError) as exc:
                code = getattr(getattr(exc, "rcvd", None), "code", None)
                if code in _REFUSED_CLOSE_CODES:
                    await self._refused(str(code))
                    continue
                error: BaseException = exc
            if use_ws:
                ws_failed_at = time.monotonic()
                # The WebSocket may be what is broken (a proxy that refuses upgrades): try polling now.
                try:
                    await self._poll_once()
                    continue
                except _Refused as refused:
                    await self._refused(str(refused))
                    continue
                except (OSError, httpx.HTTPError) as exc2:
                    error = exc2
                    # Polling failed too: the back office is down, not the WebSocket. Go back to the
                    # WebSocket as soon as it answers instead of polling for ws_retry_s after a restart.
                    ws_failed_at = 0.0
            self._set(Link.CONNECTING, Mode.NONE, str(error) or type(error).__name__)
            await self._sleep(delay)
            delay = min(delay * 2, _MAX_BACKOFF_S)

    async def _refused(self, why: str) -> None:
        self._set(Link.REFUSED, Mode.NONE, f"the hall refused this device's token ({why})")
        await self._sleep(_REFUSED_RETRY_S)

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stop.is_set() and time.monotonic() < end:
            await asyncio.sleep(min(0.05, end - time.monotonic()))

    async def _websocket(self) -> None:
        url = self.base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        # Browsers' WebSocket API cannot set headers, so the back office takes the token as a query
        # parameter too; a header keeps it out of access logs.
        async with websockets.connect(
            f"{url}{API_PREFIX}/events/ws?since={self.state.last_seq}",
            additional_headers={"Authorization": f"Bearer {self._token}"},
            open_timeout=3,
            ping_interval=10,
            ping_timeout=10,
        ) as ws:
            # The back office accepts the upgrade before it checks the token (then closes with 4401/4403),
            # so the link counts as up only once the socket has stayed open for a moment or carried an event.
            while not self._stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.25)
                except TimeoutError:
                    self._set(Link.CONNECTED, Mode.WEBSOCKET)
                    continue
                self._set(Link.CONNECTED, Mode.WEBSOCKET)
                self._deliver(json.loads(raw))

    async def _poll_once(self) -> None:
        async with httpx.AsyncClient(timeout=3.0) as client:
            while True:
                r = await client.get(
                    f"{self.base_url}{API_PREFIX}/events",
                    params={"since": self.state.last_seq, "limit": PAGE},
                    headers={"Authorization": f"Bearer {self._token}"},
                )
                if r.status_code in (401, 403):
                    raise _Refused(str(r.status_code))
                r.raise_for_status()
                page = r.json()
                self._set(Link.CONNECTED, Mode.POLLING)
                for ev in page["events"]:
                    self._deliver(ev)
                if len(page["events"]) < PAGE:
                    return
