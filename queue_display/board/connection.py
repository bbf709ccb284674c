"""Finds the hall, loads the first snapshot, follows the event stream and keeps the waiting counts fresh.

Start-up order matters for "no missed call": the follower starts from /health's last_seq, read *before*
the /queue snapshot. An event that commits in between is then both in the snapshot and replayed; the
state keeps one row per ticket, so the overlap costs nothing, whereas starting from the snapshot's own
last_seq (read after its queries) could skip an event the snapshot does not show.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from queue_display.board.bridge import BoardBridge
from queue_display.board.record import Recorder
from queue_display.client import (
    EventFollower,
    FollowerState,
    HallApiError,
    HallClient,
    HallUnreachable,
    find_hall,
)

log = logging.getLogger(__name__)

REFRESH_EVERY_S = 30.0  # waiting counts also change without events the board cares about (day rollover)
REFRESH_MIN_GAP_S = 0.3  # a burst of tickets costs one snapshot, not one per ticket


class Connector:
    def __init__(
        self,
        hall_url: str | None,
        token: str,
        bridge: BoardBridge,
        recorder: Recorder,
        poll_interval: float = 1.0,
    ) -> None:
        self.hall_url = hall_url
        self.token = token
        self.bridge = bridge
        self.recorder = recorder
        self.poll_interval = poll_interval
        self.url = ""
        self.follower: EventFollower | None = None
        self._stop = threading.Event()
        self._refresh = threading.Event()
        self._ever_connected = False
        self._thread = threading.Thread(target=self._run, name="board-connect", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._refresh.set()
        if self.follower is not None:
            self.follower.stop()
        self._thread.join(5)

    def request_refresh(self) -> None:
        self._refresh.set()

    def status(self) -> dict[str, Any]:
        f = self.follower
        return {
            "hall": self.url,
            "mode": f.state.mode if f else "connecting",
            "connected": bool(f and f.state.connected),
            "last_seq": f.last_seq if f else 0,
        }

    def _state(self, state: str, mode: str = "", error: str = "") -> None:
        self.recorder.connection(state, mode, error)
        self.bridge.post_connection(state, error)

    def _run(self) -> None:
        if not self._resolve():
            return
        client = HallClient(self.url, self.token, timeout=3.0)
        try:
            first = self._first_snapshot(client)
            if first is None:
                return
            since, snapshot = first
            self.bridge.post_snapshot(snapshot, since, True)
            self._start_follower(since)
            self._refresh_loop(client)
        finally:
            client.close()

    def _resolve(self) -> bool:
        delay = 0.5
        while not self._stop.is_set():
            try:
                self.url = find_hall(self.hall_url)
                log.info("hall back office at %s", self.url)
                return True
            except HallUnreachable as exc:
                self._state("searching", "", str(exc))
                self._stop.wait(delay)
                delay = min(delay * 2, 5.0)
        return False

    def _first_snapshot(self, client: HallClient) -> tuple[int, dict[str, Any]] | None:
        delay = 0.1
        while not self._stop.is_set():
            try:
                since = int(client.get("/health")["last_seq"])
                snapshot = client.get("/queue")
                try:
                    hall = client.get("/catalogue").get("hall") or {}
                    self.bridge.post_hall(str(hall.get("name", "")), str(hall.get("name_en", "")))
                except (HallUnreachable, HallApiError) as exc:
                    log.warning("hall name not available: %s", exc)
                return since, snapshot
            except (HallUnreachable, HallApiError) as exc:
                self._state("connecting", "", str(exc))
                self._stop.wait(delay)
                delay = min(delay * 2, 2.0)
        return None

    def _start_follower(self, since: int) -> None:
        self.follower = EventFollower(
            self.url,
            self.token,
            self.bridge.post_event,
            since=since,
            on_state=self._on_follower_state,
            poll_interval=self.poll_interval,
        )
        self.follower.start()

    def _on_follower_state(self, s: FollowerState) -> None:
        if s.connected:
            self._ever_connected = True
            self._state("connected", s.mode)
            self._refresh.set()  # counts may have moved while we were away
        elif s.error.startswith("the hall refused"):
            self._state("refused", s.mode, s.error)
        else:
            self._state("reconnecting" if self._ever_connected else "connecting", s.mode, s.error)

    def _refresh_loop(self, client: HallClient) -> None:
        while not self._stop.is_set():
            self._refresh.wait(REFRESH_EVERY_S)
            if self._stop.is_set():
                return
            self._refresh.clear()
            follower = self.follower
            # What we had received *before* asking: those events were committed, so the back office's
            # last_seq can only be lower if its history was replaced. Comparing with what the follower holds
            # after the answer would race with events delivered meanwhile and replay them.
            seen = follower.last_seq if follower is not None else 0
            try:
                snapshot = client.get("/queue")
            except (HallUnreachable, HallApiError) as exc:
                log.debug("snapshot refresh failed: %s", exc)
            else:
                last = int(snapshot.get("last_seq", 0))
                replaced = follower is not None and last < seen
                if replaced and follower is not None:
                    follower.stop()
                # Posted before the new follower starts, so the state rebases before the new stream arrives.
                self.bridge.post_snapshot(snapshot, last, False, replaced)
                if replaced:
                    # The back office's history was replaced (a restored database): follow its new stream.
                    self._start_follower(last)
            self._stop.wait(REFRESH_MIN_GAP_S)
