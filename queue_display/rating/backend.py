"""The rating pad's bridge between QML, the flow and the back office (with a display token)."""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import Property, QObject, Qt, QTimer, Signal, Slot

from kiosk.client import (
    Event,
    FollowerState,
    HallApiError,
    HallClient,
    HallLink,
    HallUnreachable,
    Link,
    Start,
)
from kiosk.client.discovery import find_hall
from queue_display.qtapp import Jobs
from queue_display.rating.model import RatingFlow, Submission

log = logging.getLogger(__name__)
TICK_MS = 250
RETRY_MS = 2000
MAX_ATTEMPTS = 300  # about ten minutes of retries while the back office is away
# Refusals that settle a rating: nothing to retry, nothing to tell the resident.
SETTLED = ("already_rated", "ticket_not_done", "unknown_ticket")


class RatingBackend(QObject):
    changed = Signal()
    _event = Signal(object)
    _follow_state = Signal(object)
    _ready = Signal(object)

    def __init__(self, counter_id: str, hall_url: str | None, token: str, timeout_s: float) -> None:
        super().__init__()
        self.flow = RatingFlow(counter_id, timeout_s)
        self.hall_url = hall_url.rstrip("/") if hall_url else None
        self.token = token
        self.jobs = Jobs("rating")
        self._client: HallClient | None = None
        self.link = HallLink(self.hall_url, token, self._event.emit, self._follow_state.emit)
        self.connected = False
        self.window = 0
        self.outbox: list[Submission] = []  # ratings not yet accepted, retried while the hall is away
        self.recorded: list[dict[str, Any]] = []  # what the hall accepted (for diagnostics and tests)
        self._sending = False
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self._send_next)
        queued = Qt.ConnectionType.QueuedConnection
        self._event.connect(self._on_event, queued)
        self._follow_state.connect(self._on_follow_state, queued)
        self._ready.connect(self._on_ready, queued)
        # Only finishes from now on (the link follows from the hall's last seq): an old one replayed at
        # start-up would prompt the wrong resident.
        cid = self.flow.counter_id
        self.link.start(lambda api: api.counter(cid).window, self._ready.emit)

    def _state(self) -> dict[str, Any]:
        return {**self.flow.view(), "connected": self.connected, "window": self.window}

    state = Property("QVariantMap", _state, notify=changed)

    def _api(self) -> HallClient:
        if self.hall_url is None:
            self.hall_url = find_hall(None)
        if self._client is None:
            self._client = HallClient(self.hall_url, self.token)
        return self._client

    # --- following the hall -------------------------------------------------------------------------

    @Slot(object)
    def _on_ready(self, start: Start[int]) -> None:
        self.window = start.snapshot
        if self.link.hall_url:
            self.hall_url = self.link.hall_url
        self.changed.emit()

    @Slot(object)
    def _on_event(self, ev: Event) -> None:
        if self.flow.on_event(ev.as_dict(), time.monotonic()):
            self.changed.emit()

    @Slot(object)
    def _on_follow_state(self, st: FollowerState) -> None:
        if st.link is Link.REFUSED:
            log.error("rating pad: %s; check [display] token", st.error)
        self.connected = st.connected
        self.changed.emit()

    @Slot()
    def _on_tick(self) -> None:
        if self.flow.tick(time.monotonic()):
            self.changed.emit()

    # --- what the resident does -----------------------------------------------------------------------

    @Slot(int)
    def choose(self, level: int) -> None:
        self._queue(self.flow.choose(level, time.monotonic()))
        self.changed.emit()

    @Slot(str)
    def toggle(self, tag: str) -> None:
        self.flow.toggle(tag, time.monotonic())
        self.changed.emit()

    @Slot()
    def back(self) -> None:
        self.flow.back(time.monotonic())
        self.changed.emit()

    @Slot()
    def submit(self) -> None:
        self._queue(self.flow.submit(time.monotonic()))
        self.changed.emit()

    @Slot()
    def skip(self) -> None:
        self.flow.skip(time.monotonic())
        self.changed.emit()

    @Slot()
    def touch(self) -> None:
        self.flow.touch(time.monotonic())

    # --- recording -----------------------------------------------------------------------------------

    def _queue(self, sub: Submission | None) -> None:
        if sub is not None:
            self.outbox.append(sub)
            self._send_next()

    @Slot()
    def _send_next(self) -> None:
        if self._sending or not self.outbox:
            return
        self._sending = True
        sub = self.outbox[0]
        sub.attempts += 1
        body = {"level": sub.level, "tags": sub.tags}
        self.jobs.submit(
            lambda: self._api().post(f"/tickets/{sub.ticket_id}/rating", body),
            lambda ok, v: self._sent(sub, ok, v),
        )

    def _sent(self, sub: Submission, ok: bool, value: Any) -> None:
        self._sending = False
        retry = False
        if ok:
            self.recorded.append(value)
        elif isinstance(value, HallApiError) and value.code in SETTLED:
            log.info("rating pad: rating of %s not recorded: %s", sub.ticket_id, value.code)
        elif isinstance(value, HallUnreachable) and sub.attempts < MAX_ATTEMPTS:
            retry = True
        else:
            log.error("rating pad: the hall refused the rating of %s: %s", sub.ticket_id, value)
        if not retry:
            self.outbox.remove(sub)
            self._retry.stop()
            self._send_next()
        elif not self._retry.isActive():
            self._retry.start()

    def shutdown(self) -> None:
        self.link.close()
        self.jobs.shutdown()
