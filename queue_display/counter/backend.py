"""The counter terminal's bridge between QML and the back office.

Actions go to one worker (in the order pressed), reads to another, so a slow snapshot never delays a call.
After login, kiosk.client's `HallLink` runs the connect sequence (last seq → counter, queue, catalogue →
follow). Ticket events carry the waiting counts per matter after the change, so the waiting line updates
from the event alone; only an event about this counter re-reads the counter (not the queue), and a
reconnect after a back-office restart re-reads everything.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
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
from queue_display.counter.led import LedWindow
from queue_display.counter.model import ENDPOINTS, CounterState, matter_names, served_matters, waiting_for
from queue_display.qtapp import Jobs, emit

log = logging.getLogger(__name__)
REFRESH_DELAY_MS = 100  # coalesces a burst of events into one re-read
RETRY_MS = 1000  # while the back office does not answer


class CounterBackend(QObject):
    changed = Signal()
    _event = Signal(object)
    _follow_state = Signal(object)
    _ready = Signal(object, int)
    _led_result = Signal(object)

    def __init__(
        self, counter_id: str, hall_url: str | None, locale: str, led_settings: dict[str, Any] | None
    ) -> None:
        super().__init__()
        self.model = CounterState(counter_id, locale)
        self.hall_url = hall_url.rstrip("/") if hall_url else None
        self.token: str | None = None
        self.actions = Jobs("counter-actions")
        self.reads = Jobs("counter-reads")
        self._clients: dict[str, HallClient] = {}
        self.link: HallLink | None = None
        self._follower_up = False
        self._api_down = False
        self._generation = 0  # a logout bumps it: late answers for the old session are dropped
        self._actions_done = 0
        self._refreshing = False
        self._dirty = False
        self._queue_stale = True  # the next re-read includes GET /queue
        self._led_on = False
        self.led = LedWindow(led_settings, lambda ok, code: emit(self._led_result, (ok, code)))
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._refresh_now)
        self._retry_timer = QTimer(self, interval=RETRY_MS)
        self._retry_timer.timeout.connect(self.schedule_refresh)
        queued = Qt.ConnectionType.QueuedConnection
        self._event.connect(self._on_event, queued)
        self._follow_state.connect(self._on_follow_state, queued)
        self._ready.connect(self._on_ready, queued)
        self._led_result.connect(self._on_led, queued)

    # --- QML-facing state ------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        return self.model.view()

    state = Property("QVariantMap", _state, notify=changed)

    def _emit(self) -> None:
        self.model.connected = self._follower_up and not self._api_down
        emit(self.changed)

    # --- plumbing ----------------------------------------------------------------------------------

    def _client(self, kind: str) -> HallClient:
        """Runs on a worker: the hall may first have to be found on the LAN (zeroconf)."""
        if self.hall_url is None:
            self.hall_url = find_hall(None)
        client = self._clients.get(kind)
        if client is None:
            client = self._clients[kind] = HallClient(self.hall_url)
        client.set_token(self.token)
        return client

    def requests_sent(self) -> dict[str, int]:
        """Requests sent to the back office this session, by "METHOD /path" (diagnostics and tests)."""
        clients = [*self._clients.values(), *([self.link.client] if self.link and self.link.client else [])]
        tally: Counter[str] = Counter()
        for client in clients:
            for (method, path), n in client.sent.items():
                tally[f"{method} {path}"] += n
        return dict(tally)

    def _error(self, exc: BaseException) -> tuple[str, str]:
        if isinstance(exc, HallApiError):
            return exc.code, exc.message_zh if self.model.locale == "zh_CN" else exc.message
        if isinstance(exc, HallUnreachable):
            return "unreachable", ""
        log.exception("counter terminal: unexpected error", exc_info=exc)
        return "internal", str(exc)

    def _went_down(self) -> None:
        self._api_down = True
        if not self._retry_timer.isActive():
            self._retry_timer.start()

    # --- login / logout ----------------------------------------------------------------------------

    @Slot(str, str)
    def login(self, username: str, password: str) -> None:
        m = self.model
        if m.logging_in or m.screen != "login":
            return
        m.logging_in, m.login_error = True, None
        self._emit()

        def work() -> Any:
            client = self._client("act")
            client.set_token(None)
            return client.login(username, password, m.counter_id)

        self.actions.submit(work, self._logged_in)

    def _logged_in(self, ok: bool, value: Any) -> None:
        m = self.model
        m.logging_in = False
        if not ok:
            code, text = self._error(value)
            m.login_error = {"code": code, "text": text}
            self._emit()
            return
        self.token = value.token
        m.staff, m.screen, m.notice = value.name, "main", None
        self._api_down = False
        self._emit()
        self._connect()

    @Slot()
    def logout(self) -> None:
        token, url = self.token, self.hall_url
        self._end_session(None)
        if token and url:
            # Best effort: the session also expires by itself at the end of the day.
            def work() -> None:
                client = HallClient(url, token)
                try:
                    client.post("/auth/logout")
                finally:
                    client.close()

            self.actions.submit(work, lambda ok, v: None)

    def _end_session(self, why: str | None) -> None:
        self._generation += 1
        if self.link is not None:
            self.link.close()
            self.link = None
        self._follower_up = False
        self._retry_timer.stop()
        self.token = None
        locale, counter_id = self.model.locale, self.model.counter_id
        self.model = CounterState(counter_id, locale, login_error={"code": why, "text": ""} if why else None)
        self._emit()

    # --- reading the counter and the queue -----------------------------------------------------------

    def _connect(self) -> None:
        """The connect sequence for this session: last seq → counter, queue, catalogue → follow."""
        assert self.token is not None
        gen, cid = self._generation, self.model.counter_id
        self.link = HallLink(self.hall_url, self.token, self._event.emit, self._follow_state.emit)
        self.link.start(lambda api: self._read(api, cid, True, True), lambda s: emit(self._ready, s, gen))

    @Slot(object, int)
    def _on_ready(self, start: Start[dict[str, Any]], gen: int) -> None:
        if self.link is not None and self.link.hall_url:
            self.hall_url = self.link.hall_url
        self._queue_stale = False
        self._refreshed(gen, self._actions_done, True, start.snapshot)

    @staticmethod
    def _read(api: HallClient, cid: str, with_queue: bool, with_catalogue: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if with_catalogue:
            out["catalogue"] = api.get("/catalogue")
        out["counter"] = counter = api.get(f"/counters/{cid}")
        if with_queue:
            out["queue"] = api.get("/queue")
            # Read with the queue (at connect, and after the stream was down): calls made meanwhile.
            with contextlib.suppress(HallApiError):  # an older back office has no calls for staff
                out["help"] = api.get("/help")
        brief = counter.get("current")
        out["current"] = brief
        if brief is not None:
            # The counter view carries the public brief; staff also need the green reason and recalls.
            try:
                mine = api.get(f"/counters/{cid}/tickets", params={"status": brief["status"]})
                out["current"] = next((t for t in mine if t["id"] == brief["id"]), brief)
            except HallApiError:
                pass
        return out

    @Slot()
    def schedule_refresh(self, with_queue: bool = False) -> None:
        self._queue_stale = self._queue_stale or with_queue
        if self.token and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _refresh_now(self) -> None:
        if not self.token:
            return
        if self._refreshing:
            self._dirty = True
            return
        self._refreshing = True
        gen, done_before = self._generation, self._actions_done
        with_catalogue, with_queue = not self.model.names, self._queue_stale
        self._queue_stale = False
        cid = self.model.counter_id
        self.reads.submit(
            lambda: self._read(self._client("read"), cid, with_queue, with_catalogue),
            lambda ok, v: self._refreshed(gen, done_before, ok, v),
        )

    def _refreshed(self, gen: int, done_before: int, ok: bool, value: Any) -> None:
        self._refreshing = False
        if gen != self._generation:
            return
        m = self.model
        if ok:
            self._api_down = False
            self._retry_timer.stop()
            if "catalogue" in value:
                m.names = matter_names(value["catalogue"])
                m.served = served_matters(value["catalogue"])
                policy = value["catalogue"].get("policy") or {}
                m.max_recalls = policy.get("max_recalls")
            # An action that finished while this read was under way is newer than what the read saw.
            if done_before == self._actions_done and not m.busy:
                m.counter = value["counter"]
                m.current = value["current"]
                self._sync_led()
            else:
                self._dirty = True
            if "help" in value:
                m.help_calls = list(value["help"])
            if "queue" in value:
                serves = value["counter"].get("serves", [])
                m.waiting = waiting_for(serves, value["queue"]["waiting_by_matter"])
        else:
            code, text = self._error(value)
            if code == "unreachable":
                self._queue_stale = True
                self._went_down()
            elif code in ("unauthenticated", "forbidden"):
                self._end_session("session_expired")
                return
            else:
                m.say("error", code, text)
        self._emit()
        if self._dirty:
            self._dirty = False
            self.schedule_refresh()

    @Slot(object)
    def _on_event(self, ev: Event) -> None:
        if ev.type in ("help.requested", "help.answered"):
            call = ev.data.get("help") or {}
            if ev.type == "help.requested":
                self.model.help_requested(call)
            else:
                self.model.help_answered(str(call.get("id", "")))
            self._emit()
            return
        if not ev.type.startswith(("ticket.", "counter.")):
            return
        cid = self.model.counter_id
        waiting = ev.waiting
        serves = (self.model.counter or {}).get("serves")
        if waiting is not None and serves is not None:
            self.model.waiting = waiting.for_matters(serves)
            self._emit()
        ticket = ev.ticket
        about_me = ev.data.get("counter", {}).get("id") == cid if ev.type.startswith("counter.") else False
        if ticket is not None and ticket.counter == cid:
            about_me = True
        if waiting is None or ev.type == "counter.updated":
            # An older back office, or what this counter serves has changed: read everything.
            self.schedule_refresh(with_queue=True)
        elif about_me:
            self.schedule_refresh()

    @Slot(object)
    def _on_follow_state(self, st: FollowerState) -> None:
        if self.link is None:
            return
        if st.link is Link.REFUSED:
            self._end_session("session_expired")
            return
        was_up, self._follower_up = self._follower_up, st.connected
        if st.connected and not was_up:
            self.schedule_refresh(with_queue=True)  # catch up on what changed while the hall was away
        self._emit()

    # --- actions -------------------------------------------------------------------------------------

    @Slot(str)
    def act(self, action: str) -> None:
        if action in ENDPOINTS and action != "transfer":
            self._post(action, f"/counters/{self.model.counter_id}/{ENDPOINTS[action]}", None)

    @Slot(str)
    def transfer(self, matter: str) -> None:
        path = f"/counters/{self.model.counter_id}/transfer"
        self._post("transfer", path, {"matter": matter}, to=self.model.name_of(matter))

    @Slot(str)
    def reinstate(self, ticket_id: str) -> None:
        self._post("reinstate", f"/tickets/{ticket_id}/reinstate", None)

    def _post(self, action: str, path: str, body: Any, **extra: Any) -> None:
        m = self.model
        if not m.enabled().get(action):
            return  # a second tap while the first is under way, or a state the hall would refuse
        m.busy = action
        self._emit()
        gen = self._generation
        self.actions.submit(
            lambda: self._client("act").post(path, body),
            lambda ok, v: self._acted(gen, action, ok, v, extra),
        )

    def _acted(self, gen: int, action: str, ok: bool, value: Any, extra: dict[str, Any]) -> None:
        if gen != self._generation:
            return
        m = self.model
        m.busy = ""
        self._actions_done += 1
        if not ok:
            code, text = self._error(value)
            if code == "unreachable":
                self._went_down()
            elif code == "unauthenticated":
                self._end_session("session_expired")
                return
            m.say("error", code, text, action=action)
        elif action == "call_next" and value is None:
            m.say("info", "none_waiting")
        else:
            if action in ("call_next", "recall", "start"):
                m.current = value
            elif action in ("no_show", "finish", "transfer"):
                m.current = None
            elif action in ("pause", "resume"):
                m.counter = value
            elif action == "reinstate" and m.no_shows is not None:
                m.no_shows = [t for t in m.no_shows if t["id"] != value["id"]]
            number = value.get("number", "") if action not in ("pause", "resume") else ""
            m.say("ok", action, number=number, recalls=value.get("recalls", 0), **extra)
            self._sync_led(force=action in ("call_next", "recall"))
        self._emit()
        self.schedule_refresh()

    @Slot(str)
    def answerHelp(self, help_id: str) -> None:
        """Acknowledge a kiosk's call for staff; every counter's banner goes with the help.answered event."""
        gen = self._generation

        def done(ok: bool, value: Any) -> None:
            if gen != self._generation:
                return
            if ok:
                self.model.help_answered(help_id)
            else:
                code, text = self._error(value)
                self.model.say("error", code, text)
            self._emit()

        self.actions.submit(lambda: self._client("act").post(f"/help/{help_id}/answer"), done)

    @Slot()
    def loadNoShows(self) -> None:
        m = self.model
        m.no_shows = None
        self._emit()
        gen, cid = self._generation, m.counter_id

        def done(ok: bool, value: Any) -> None:
            if gen != self._generation:
                return
            if ok:
                self.model.no_shows = list(value)
            else:
                self.model.no_shows = []
                code, text = self._error(value)
                if code == "unreachable":
                    self._went_down()
                self.model.say("error", code, text)
            self._emit()

        self.reads.submit(
            lambda: self._client("read").get(f"/counters/{cid}/tickets", params={"status": "no_show"}), done
        )

    # --- LED window display --------------------------------------------------------------------------

    def _sync_led(self, force: bool = False) -> None:
        """Show the called number; clear the display once the ticket has left this counter."""
        m = self.model
        window = (m.counter or {}).get("window")
        if window is None:
            return
        if force and m.current is not None:
            self.led.call(m.current["number"], window)
            self._led_on = True
        elif m.current is None and self._led_on:
            self.led.clear(window)
            self._led_on = False

    @Slot(object)
    def _on_led(self, result: tuple[bool, str]) -> None:
        ok, code = result
        self.model.led_warning = "" if ok else code
        self._emit()

    # --- end -----------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        if self.link is not None:
            self.link.close()
        self.actions.shutdown()
        self.reads.shutdown()
        self.led.close()
