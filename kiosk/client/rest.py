"""Synchronous REST calls to the back office (each one short request), with typed results.

Every failure becomes one of three exceptions (see `errors`): the back office said no (`HallApiError`, with
`Refused` for a token it does not accept), or it did not answer (`HallUnreachable`). The token is sent as a
bearer header and never logged.
"""

from __future__ import annotations

import threading
from collections import Counter as Tally
from typing import Any

import httpx

from kiosk.client.errors import HallApiError, HallUnreachable, Refused
from kiosk.client.models import (
    Catalogue,
    Counter,
    DayKey,
    HallState,
    Health,
    Login,
    QueueSnapshot,
    RatingReceipt,
)

API_PREFIX = "/api/v1"


def _error(response: httpx.Response) -> HallApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"code": "bad_response", "message": response.text[:200] or response.reason_phrase}
    kind = Refused if response.status_code in (401, 403) else HallApiError
    return kind(
        response.status_code,
        str(body.get("code", "error")),
        str(body.get("message", response.reason_phrase)),
        str(body.get("message_zh", "")),
    )


class HallClient:
    """The back office's REST API. Thread-safe enough for one worker per client (httpx.Client is)."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(base_url=self.base_url + API_PREFIX, timeout=timeout)
        # (method, path) -> how many requests were sent: lets a screen (and its tests) show what it costs.
        self.sent: Tally[tuple[str, str]] = Tally()
        self._lock = threading.Lock()

    def set_token(self, token: str | None) -> None:
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The decoded JSON answer (None for 204); raises HallApiError, Refused or HallUnreachable."""
        sent_headers = dict(headers or {})
        if self.token:
            sent_headers["Authorization"] = f"Bearer {self.token}"
        with self._lock:
            self.sent[(method, path)] += 1
        try:
            r = self._http.request(method, path, json=json_body, params=params, headers=sent_headers)
        except httpx.TransportError as exc:
            raise HallUnreachable(f"the back office at {self.base_url} does not answer: {exc}") from exc
        if r.status_code >= 400:
            raise _error(r)
        if r.status_code == 204:
            return None
        try:
            return r.json()
        except ValueError as exc:
            raise HallApiError(r.status_code, "bad_response", f"not JSON: {r.text[:200]}") from exc

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.request("POST", path, body, headers=headers)

    # --- typed calls -------------------------------------------------------------------------------

    def health(self) -> Health:
        return Health.from_json(self.get("/health"))

    def queue(self) -> QueueSnapshot:
        return QueueSnapshot.from_json(self.get("/queue"))

    def catalogue(self) -> Catalogue:
        return Catalogue.from_json(self.get("/catalogue"))

    def counter(self, counter_id: str) -> Counter:
        return Counter.from_json(self.get(f"/counters/{counter_id}"))

    def login(self, username: str, password: str, counter_id: str) -> Login:
        body = {"username": username, "password": password, "counter": counter_id}
        return Login.from_json(self.post("/auth/login", body))

    def rate(self, ticket_id: str, level: int, tags: list[str], idempotency_key: str) -> RatingReceipt:
        """Record a rating; sending the same key again returns the first answer instead of a second rating."""
        body = {"level": level, "tags": tags}
        answer = self.post(f"/tickets/{ticket_id}/rating", body, headers={"Idempotency-Key": idempotency_key})
        return RatingReceipt.from_json(answer)

    def hall_state(self) -> HallState:
        return HallState.from_json(self.get("/hall/state"))

    def day_key(self) -> DayKey:
        """Today's secret for person keys (kiosk tokens only)."""
        return DayKey.from_json(self.get("/kiosk/day-key"))

    def check_in_by_card(
        self, holder_key: str, idempotency_key: str, green_reason: str | None = None
    ) -> dict[str, Any]:
        """Check in the card holder's appointment; a late one answers an ordinary ticket with `notice`."""
        body = {"holder_key": holder_key, "green_reason": green_reason}
        headers = {"Idempotency-Key": idempotency_key}
        return dict(self.post("/appointments/check-in-by-card", body, headers=headers))

    def request_help(self, idempotency_key: str, note: str = "") -> dict[str, Any]:
        """Call staff (值班员指导); for the outbox: a redelivery with the same key returns the first call."""
        answer = self.post("/help", {"note": note}, headers={"Idempotency-Key": idempotency_key})
        return dict(answer)

    def answer_help(self, help_id: str) -> dict[str, Any]:
        """A counter acknowledges a kiosk's call for staff."""
        return dict(self.post(f"/help/{help_id}/answer"))

    def reprint(self, ticket_id: str) -> dict[str, Any]:
        """The ticket view, marked `reprint`, for the printer to print again with a 补打 / REPRINT mark."""
        return dict(self.post(f"/tickets/{ticket_id}/reprint"))

    def person_tickets(self, person_key: str) -> list[dict[str, Any]]:
        """Today's tickets of the person (进度查询), newest first, as the back office's ticket views."""
        return [dict(t) for t in self.get("/tickets", {"person": person_key})["tickets"]]

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HallClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
