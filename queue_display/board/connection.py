"""Finds the hall, loads the first snapshot, follows the event stream and re-reads the snapshot now and then.

The connect sequence itself (find → last seq → snapshot → follow) is kiosk.client's `HallLink`. Ticket
events carry the waiting counts after the change, so the board re-reads GET /queue only every
REFRESH_EVERY_S, after a reconnect, and when an event comes without counts (an older back office).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kiosk.client import (
    FollowerState,
    HallApiError,
    HallClient,
    HallLink,
    HallUnreachable,
    Link,
    QueueSnapshot,
    Start,
)
from queue_display.board.bridge import BoardBridge
from queue_display.board.record import Recorder

log = logging.getLogger(__name__)

REFRESH_EVERY_S = 30.0  # waiting counts also change without events (day rollover)
REFRESH_MIN_GAP_S = 0.3  # a burst of refresh requests costs one snapshot


class Connector:
    def __init__(
        self,
        hall_url: str | None,
        token: str,
        bridge: BoardBridge,
        recorder: Recorder,
        poll_interval: float = 1.0,
    ) -> None:
        self.bridge = bridge
        self.recorder = recorder
        self.link = HallLink(hall_url, token, bridge.post_event, self._on_state, poll_interval)
        self._stop = threading.Event()
        self._refresh = threading.Event()
        self._ever_connected = False
        self._thread = threading.Thread(target=self._run, name="board-connect", daemon=True)

    @property
    def url(self) -> str:
        return self.link.hall_url or ""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._refresh.set()
        self.link.close()
        self._thread.join(5)

    def request_refresh(self) -> None:
        self._refresh.set()

    def status(self) -> dict[str, Any]:
        f = self.link.follower
        client = self.link.client
        return {
            "hall": self.url,
            "mode": f.state.mode.value if f and f.state.mode.value else "connecting",
            "connected": bool(f and f.state.connected),
            "last_seq": f.last_seq if f else 0,
            "queue_reads": client.sent[("GET", "/queue")] if client else 0,
        }

    def _state(self, state: str, mode: str = "", error: str = "") -> None:
        self.recorder.connection(state, mode, error)
        self.bridge.post_connection(state, error)

    def _load(self, client: HallClient) -> QueueSnapshot:
        snapshot = client.queue()
        try:
            catalogue = client.catalogue()
            self.bridge.post_hall(catalogue.hall_name, catalogue.hall_name_en)
        except (HallUnreachable, HallApiError) as exc:
            log.warning("hall name not available: %s", exc)
        return snapshot

    def _run(self) -> None:
        first: Start[QueueSnapshot] | None = self.link.open(self._load)
        if first is None or self.link.client is None:
            return
        self.bridge.post_snapshot(dict(first.snapshot.raw), first.since, True)
        self.link.follow(first.since)
        self._refresh_loop(self.link.client)

    def _on_state(self, s: FollowerState) -> None:
        mode = s.mode.value
        if s.link is Link.CONNECTED:
            self._ever_connected = True
            self._state("connected", mode)
            self._refresh.set()  # counts may have moved while we were away
        elif s.link in (Link.CONNECTING, Link.RECONNECTING):
            self._state("reconnecting" if self._ever_connected else "connecting", mode, s.error)
        else:
            self._state(s.link.value, mode, s.error)

    def _refresh_loop(self, client: HallClient) -> None:
        while not self._stop.is_set():
            self._refresh.wait(REFRESH_EVERY_S)
            if self._stop.is_set():
                return
            self._refresh.clear()
            # What we had received *before* asking: those events were committed, so the back office's
            # last_seq can only be lower if its history was replaced. Comparing with what the follower holds
            # after the answer would race with events delivered meanwhile and replay them.
            seen = self.link.last_seq
            try:
                snapshot = client.queue()
            except (HallUnreachable, HallApiError) as exc:
                log.debug("snapshot refresh failed: %s", exc)
            else:
                replaced = self.link.follower is not None and snapshot.last_seq < seen
                if replaced:
                    self.link.unfollow()
                # Posted before the new follower starts, so the state rebases before the new stream arrives.
                self.bridge.post_snapshot(dict(snapshot.raw), snapshot.last_seq, False, replaced)
                if replaced:
                    # The back office's history was replaced (a restored database): follow its new stream.
                    self.link.follow(snapshot.last_seq)
            self._stop.wait(REFRESH_MIN_GAP_S)
