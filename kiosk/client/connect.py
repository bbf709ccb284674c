"""The connect sequence every screen uses, written once: find the hall → last seq → snapshot → follow.

Order matters for "no missed event": the follower starts from /health's last_seq, read *before* the
snapshot. An event that commits in between is then both in the snapshot and replayed, which screens
absorb (they key their state by ticket), whereas starting from a sequence number read after the
snapshot's queries could skip an event the snapshot does not show.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from kiosk.client.discovery import find_hall
from kiosk.client.errors import HallApiError, HallUnreachable, Refused
from kiosk.client.follower import EventFollower, FollowerState, Link
from kiosk.client.models import Event
from kiosk.client.rest import HallClient

log = logging.getLogger(__name__)
T = TypeVar("T")

_SEARCH_BACKOFF_MAX_S = 5.0
_CONNECT_BACKOFF_MAX_S = 2.0
_REFUSED_BACKOFF_S = 5.0


@dataclass(frozen=True)
class Start(Generic[T]):
    """Where a screen starts: follow events after `since`; `snapshot` is what `load` read after it."""

    since: int
    snapshot: T


class HallLink:
    """One screen's link to the back office: REST client, event follower and the connect sequence.

    `on_event` and `on_state` run on the link's threads; Qt screens turn them into queued signals.
    """

    def __init__(
        self,
        hall_url: str | None,
        token: str,
        on_event: Callable[[Event], None],
        on_state: Callable[[FollowerState], None] | None = None,
        poll_interval: float = 1.0,
        timeout: float = 3.0,
    ) -> None:
        self.hall_url = hall_url.rstrip("/") if hall_url else None
        self.token = token
        self.on_event = on_event
        self.on_state = on_state
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.client: HallClient | None = None
        self.follower: EventFollower | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def last_seq(self) -> int:
        f = self.follower
        return f.last_seq if f is not None else 0

    def _report(self, link: Link, error: str = "") -> None:
        if self.on_state is not None:
            self.on_state(FollowerState(link=link, error=error))

    def resolve(self) -> HallClient | None:
        """The REST client, once the hall is found (searching the LAN when no URL was given)."""
        delay = 0.5
        while self.client is None and not self._stop.is_set():
            try:
                self.hall_url = find_hall(self.hall_url)
            except HallUnreachable as exc:
                self._report(Link.SEARCHING, str(exc))
                self._stop.wait(delay)
                delay = min(delay * 2, _SEARCH_BACKOFF_MAX_S)
                continue
            log.info("hall back office at %s", self.hall_url)
            self.client = HallClient(self.hall_url, self.token, timeout=self.timeout)
        return self.client

    def open(self, load: Callable[[HallClient], T]) -> Start[T] | None:
        """Find the hall, read its last seq, then `load` the snapshot; retried until it works or `close`."""
        client = self.resolve()
        delay = 0.1
        while client is not None and not self._stop.is_set():
            try:
                since = client.health().last_seq
                return Start(since, load(client))
            except Refused as exc:
                self._report(Link.REFUSED, f"the hall refused this device's token ({exc.code})")
                self._stop.wait(_REFUSED_BACKOFF_S)
            except (HallUnreachable, HallApiError) as exc:
                self._report(Link.CONNECTING, str(exc))
                self._stop.wait(delay)
                delay = min(delay * 2, _CONNECT_BACKOFF_MAX_S)
        return None

    def unfollow(self) -> None:
        """Stop following; no event is delivered after this returns."""
        with self._lock:
            old, self.follower = self.follower, None
        if old is not None:
            old.stop()

    def follow(self, since: int) -> None:
        """Follow events after `since` (anew, if already following: e.g. the hall's history was replaced)."""
        self.unfollow()
        if self._stop.is_set() or self.hall_url is None:
            return
        follower = EventFollower(
            self.hall_url,
            self.token,
            self.on_event,
            since=since,
            on_state=self.on_state,
            poll_interval=self.poll_interval,
        )
        with self._lock:
            self.follower = follower
        follower.start()

    def start(self, load: Callable[[HallClient], T], on_ready: Callable[[Start[T]], None]) -> None:
        """The whole sequence on a thread of its own: `on_ready` gets the start, then events follow."""

        def run() -> None:
            first = self.open(load)
            if first is None:
                return
            on_ready(first)
            self.follow(first.since)

        self._thread = threading.Thread(target=run, name="hall-link", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self.unfollow()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        if self.client is not None:
            self.client.close()
