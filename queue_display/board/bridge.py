"""The QObject QML binds to. Network and speech threads post into it; all state changes on the GUI thread.

Every `post_*` method may be called from any thread: it only emits a signal, which Qt queues to the GUI
thread, so BoardState is only ever touched there and needs no lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, Qt, Signal, Slot

from kiosk.client import Event
from queue_display.board.announcer import Announcer
from queue_display.board.record import Recorder
from queue_display.board.state import COLOURS, BoardState
from queue_display.qtapp import emit

log = logging.getLogger(__name__)


class BoardBridge(QObject):
    latestChanged = Signal()
    previousChanged = Signal()
    waitingChanged = Signal()
    connectionChanged = Signal()
    voiceChanged = Signal()
    hallChanged = Signal()

    _snapshot = Signal(object, int, bool, bool)
    _event = Signal(object, float)
    _connection = Signal(str, str)
    _voice = Signal(bool, str)
    _hall = Signal(str, str)

    def __init__(
        self,
        state: BoardState,
        recorder: Recorder,
        languages: list[str],
        notices: list[str],
        flash_times: int,
        hall_name: tuple[str, str] = ("", ""),
    ) -> None:
        super().__init__()
        self.state = state
        self.recorder = recorder
        self.announcer: Announcer | None = None
        # Asks the connector for a fresh snapshot: only for a ticket event without waiting counts.
        self.on_ticket_event: Callable[[], None] = lambda: None
        self._languages = languages
        self._notices = notices
        self._flash_times = flash_times
        self._hall_name, self._hall_name_en = hall_name
        self._call_serial = 0
        self._connection_state = "connecting"
        self._connection_error = ""
        self._voice_ok = True
        self._voice_reason = ""
        queued = Qt.ConnectionType.QueuedConnection
        self._snapshot.connect(self._apply_snapshot, queued)
        self._event.connect(self._apply_event, queued)
        self._connection.connect(self._apply_connection, queued)
        self._voice.connect(self._apply_voice, queued)
        self._hall.connect(self._apply_hall, queued)

    # -- from any thread ------------------------------------------------------------------------------

    def post_snapshot(
        self, snapshot: dict[str, Any], since: int, initial: bool, replaced: bool = False
    ) -> None:
        """`replaced`: the connection found the back office's history replaced; only it can tell race-free."""
        emit(self._snapshot, snapshot, since, initial, replaced)

    def post_event(self, event: Event) -> None:
        emit(self._event, event.as_dict(), time.monotonic())

    def post_connection(self, state: str, error: str = "") -> None:
        emit(self._connection, state, error)

    def post_voice(self, ok: bool, reason: str) -> None:
        emit(self._voice, ok, reason)

    def post_hall(self, name: str, name_en: str) -> None:
        emit(self._hall, name, name_en)

    # -- on the GUI thread ----------------------------------------------------------------------------

    @Slot(object, int, bool, bool)
    def _apply_snapshot(self, snapshot: dict[str, Any], since: int, initial: bool, replaced: bool) -> None:
        if initial:
            self.state.load_snapshot(snapshot, since)
            emit(self.latestChanged)
            emit(self.previousChanged)
        elif replaced:
            log.warning(
                "the back office's last event is %d, before ours (%d): following anew",
                since,
                self.state.last_seq,
            )
            self.state.rebase(since)
        self.state.set_waiting(snapshot.get("waiting") or {})
        emit(self.waitingChanged)

    @Slot(object, float)
    def _apply_event(self, event: dict[str, Any], received: float) -> None:
        # The state ignores a replay of what it already applied; so must the screen (no second flash).
        fresh = int(event["seq"]) > self.state.last_seq
        ann = self.state.apply(event)
        kind = str(event.get("type", ""))
        latest = self.state.latest
        if fresh and latest is not None and latest.seq == event["seq"]:
            self._call_serial += 1
            emit(self.latestChanged)
            emit(self.previousChanged)
            self.recorder.call_applied(
                latest.seq, kind, latest.number, latest.window, latest.recall, received
            )
            if ann is not None and self.announcer is not None:
                self.announcer.announce(ann)
        if fresh and kind.startswith("ticket."):
            data = event.get("data") or {}
            if "waiting" in data:
                self.state.set_waiting(data["waiting"])
                emit(self.waitingChanged)
            else:
                self.on_ticket_event()

    @Slot(str, str)
    def _apply_connection(self, state: str, error: str) -> None:
        if (state, error) == (self._connection_state, self._connection_error):
            return
        self._connection_state, self._connection_error = state, error
        emit(self.connectionChanged)

    @Slot(bool, str)
    def _apply_voice(self, ok: bool, reason: str) -> None:
        if (ok, reason) == (self._voice_ok, self._voice_reason):
            return
        self._voice_ok, self._voice_reason = ok, reason
        emit(self.voiceChanged)

    @Slot(str, str)
    def _apply_hall(self, name: str, name_en: str) -> None:
        self._hall_name, self._hall_name_en = name, name_en
        emit(self.hallChanged)

    # -- what QML reads -------------------------------------------------------------------------------

    def _latest(self) -> dict[str, Any]:
        latest = self.state.latest
        return latest.as_dict() if latest else {}

    def _previous(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.state.previous]

    def _waiting(self) -> list[dict[str, Any]]:
        return [{"colour": c, "count": self.state.waiting.get(c, 0)} for c in COLOURS]

    def _call_serial_value(self) -> int:
        return self._call_serial

    def _connection_value(self) -> str:
        return self._connection_state

    def _connection_error_value(self) -> str:
        return self._connection_error

    def _voice_ok_value(self) -> bool:
        return self._voice_ok

    def _voice_reason_value(self) -> str:
        return self._voice_reason

    def _languages_value(self) -> list[str]:
        return list(self._languages)

    def _notices_value(self) -> list[str]:
        return list(self._notices)

    def _flash_times_value(self) -> int:
        return self._flash_times

    def _hall_name_value(self) -> str:
        return self._hall_name

    def _hall_name_en_value(self) -> str:
        return self._hall_name_en

    latest = Property("QVariantMap", _latest, notify=latestChanged)
    previous = Property("QVariantList", _previous, notify=previousChanged)
    waiting = Property("QVariantList", _waiting, notify=waitingChanged)
    # Bumped on every new call (a recall of the same ticket too): QML restarts the flash on it.
    callSerial = Property(int, _call_serial_value, notify=latestChanged)
    connection = Property(str, _connection_value, notify=connectionChanged)
    connectionError = Property(str, _connection_error_value, notify=connectionChanged)
    voiceOk = Property(bool, _voice_ok_value, notify=voiceChanged)
    voiceReason = Property(str, _voice_reason_value, notify=voiceChanged)
    languages = Property("QVariantList", _languages_value, constant=True)
    notices = Property("QVariantList", _notices_value, constant=True)
    flashTimes = Property(int, _flash_times_value, constant=True)
    hallName = Property(str, _hall_name_value, notify=hallChanged)
    hallNameEn = Property(str, _hall_name_en_value, notify=hallChanged)
