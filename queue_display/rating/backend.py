"""The rating pad's bridge between QML, the flow and the back office (with a display token).

A resident's rating goes into the pad's on-disk outbox (kiosk.client.outbox) before the thank-you shows,
and a delivery worker sends it with its idempotency key until the back office has it: a restart of the
pad or an outage of the back office loses none, and a redelivery is never a second rating.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Qt, QTimer, Signal, Slot

from kiosk.client import Event, FollowerState, HallClient, HallLink, Link, RatingReceipt, Start
from kiosk.client.discovery import find_hall
from kiosk.client.outbox import DeliveryWorker, Item, Outbox, Outcome
from queue_display.qtapp import emit
from queue_display.rating.model import RatingFlow, Submission

log = logging.getLogger(__name__)
TICK_MS = 250


class RatingBackend(QObject):
    changed = Signal()
    _event = Signal(object)
    _follow_state = Signal(object)
    _ready = Signal(object)
    _result = Signal(object, object, object)

    def __init__(
        self, counter_id: str, hall_url: str | None, token: str, timeout_s: float, data_dir: Path
    ) -> None:
        super().__init__()
        self.flow = RatingFlow(counter_id, timeout_s)
        self.hall_url = hall_url.rstrip("/") if hall_url else None
        self.token = token
        self._client: HallClient | None = None
        self.link = HallLink(self.hall_url, token, self._event.emit, self._follow_state.emit)
        self.connected = False
        self.window = 0
        self.outbox = Outbox(data_dir / f"rating-{counter_id}-outbox.sqlite3")
        self.recorded: list[dict[str, Any]] = []  # what the hall accepted (for diagnostics and tests)
        self.delivery = DeliveryWorker(self.outbox, self._deliver, self._result.emit)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        queued = Qt.ConnectionType.QueuedConnection
        self._result.connect(self._on_result, queued)
        self._event.connect(self._on_event, queued)
        self._follow_state.connect(self._on_follow_state, queued)
        self._ready.connect(self._on_ready, queued)
        # Only finishes from now on (the link follows from the hall's last seq): an old one replayed at
        # start-up would prompt the wrong resident.
        cid = self.flow.counter_id
        self.link.start(lambda api: api.counter(cid).window, self._ready.emit)
        self.delivery.start()  # what an earlier run left unsent goes first

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
        emit(self.changed)

    @Slot(object)
    def _on_event(self, ev: Event) -> None:
        if self.flow.on_event(ev.as_dict(), time.monotonic()):
            emit(self.changed)

    @Slot(object)
    def _on_follow_state(self, st: FollowerState) -> None:
        if st.link is Link.REFUSED:
            log.error("rating pad: %s; check [display] token", st.error)
        if st.connected and not self.connected:
            self.delivery.nudge(now=True)  # the back office is back: do not wait out the backoff
        self.connected = st.connected
        emit(self.changed)

    @Slot()
    def _on_tick(self) -> None:
        if self.flow.tick(time.monotonic()):
            emit(self.changed)

    # --- what the resident does -----------------------------------------------------------------------

    @Slot(int)
    def choose(self, level: int) -> None:
        self._queue(self.flow.choose(level, time.monotonic()))
        emit(self.changed)

    @Slot(str)
    def toggle(self, tag: str) -> None:
        self.flow.toggle(tag, time.monotonic())
        emit(self.changed)

    @Slot()
    def back(self) -> None:
        self.flow.back(time.monotonic())
        emit(self.changed)

    @Slot()
    def submit(self) -> None:
        self._queue(self.flow.submit(time.monotonic()))
        emit(self.changed)

    @Slot()
    def skip(self) -> None:
        self.flow.skip(time.monotonic())
        emit(self.changed)

    @Slot()
    def touch(self) -> None:
        self.flow.touch(time.monotonic())

    # --- recording -----------------------------------------------------------------------------------

    def _queue(self, sub: Submission | None) -> None:
        if sub is not None:
            self.outbox.put("rating", {"ticket": sub.ticket_id, "level": sub.level, "tags": sub.tags})
            self.delivery.nudge()

    def _deliver(self, item: Item) -> RatingReceipt:
        """On the delivery thread; raises what the back office answered when it did not take it."""
        p = item.payload
        return self._api().rate(str(p["ticket"]), int(p["level"]), list(p["tags"]), item.key)

    @Slot(object, object, object)
    def _on_result(self, item: Item, outcome: Outcome, value: Any) -> None:
        if outcome is Outcome.DELIVERED:
            self.recorded.append(asdict(value))
        elif outcome is Outcome.REJECTED:
            # Rated elsewhere meanwhile, or the ticket is gone: nothing to retry or tell the resident.
            log.info("rating pad: rating of %s not recorded: %s", item.payload.get("ticket"), value)

    def shutdown(self) -> None:
        self.delivery.stop()
        self.link.close()
        self.outbox.close()
