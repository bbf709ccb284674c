"""How staff logins are limited against guessing (pure: the caller passes the time; no IO).

The rule, per sliding window (5 minutes):

- Each attempt is counted *before* its password is checked, atomically, as a failure until it succeeds.
  Parallel guesses therefore cannot slip past a limit while earlier ones are still being checked.
- (name, client) pair: 5 failures lock that pair. A guesser at one terminal locks only themselves.
- client: 20 failures over any names lock that client (one machine spraying many names).
- name: once 10 failures have come from all clients together, the name slows down rather than locks: a
  client the member has signed in from before (their own counter terminal, remembered for 30 days)
  is not slowed; any other client gets one password check for that name per 30 s, shared.

So nobody can lock a known staff member out of their own counter by guessing elsewhere, a single
client cannot guess more than 5 times per name per window, and many clients together get at most one
guess per 30 s at a name. A client is its network address as the server sees it; behind a proxy all
clients would share one, so the hall serves its LAN directly.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window_s: float = 300.0
    per_pair: int = 5
    per_client: int = 20
    name_slow_after: int = 10
    name_interval_s: float = 30.0
    trusted_s: float = 30 * 86400.0


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str  # "pair", "client" or "name"
    retry_after_s: int


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    name: str
    client: str


@dataclass
class _Log:
    """Times of failures (and of attempts still being checked) for one key, oldest first."""

    times: deque[tuple[float, int]] = field(default_factory=deque)

    def prune(self, since: float) -> None:
        while self.times and self.times[0][0] <= since:
            self.times.popleft()

    def drop(self, attempt_id: int) -> None:
        for item in self.times:
            if item[1] == attempt_id:
                self.times.remove(item)
                return


class LoginGuard:
    """Thread-safe: `begin` counts and decides under one lock, so a decision never races another."""

    def __init__(self, limits: LoginLimits | None = None) -> None:
        self.limits = limits or LoginLimits()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pairs: dict[tuple[str, str], _Log] = {}
        self._clients: dict[str, _Log] = {}
        self._names: dict[str, _Log] = {}
        self._next_slot: dict[str, float] = {}
        self._trusted: dict[tuple[str, str], float] = {}
        self._since_sweep = 0

    def begin(self, name: str, client: str, now: float) -> Attempt | Refusal:
        """Reserve one password check, or say why not (and for how long)."""
        lim = self.limits
        since = now - lim.window_s
        with self._lock:
            self._sweep(now)
            pair = self._log(self._pairs, (name, client), since)
            by_client = self._log(self._clients, client, since)
            by_name = self._log(self._names, name, since)
            if len(pair.times) >= lim.per_pair:
                return Refusal("pair", self._wait(pair, now))
            if len(by_client.times) >= lim.per_client:
                return Refusal("client", self._wait(by_client, now))
            trusted = self._trusted.get((name, client), -1e18) > now - lim.trusted_s
            if not trusted and len(by_name.times) >= lim.name_slow_after:
                slot = self._next_slot.get(name, 0.0)
                if now < slot:
                    return Refusal("name", max(1, int(slot - now + 0.999)))
                self._next_slot[name] = now + lim.name_interval_s
            attempt = Attempt(next(self._ids), name, client)
            for log in (pair, by_client, by_name):
                log.times.append((now, attempt.id))
            return attempt

    def succeeded(self, attempt: Attempt, now: float) -> None:
        """The password was right: the attempt was no failure, the pair starts afresh and is trusted."""
        with self._lock:
            self._pairs.pop((attempt.name, attempt.client), None)
            for log in (self._clients.get(attempt.client), self._names.get(attempt.name)):
                if log is not None:
                    log.drop(attempt.id)
            self._trusted[(attempt.name, attempt.client)] = now

    def cancelled(self, attempt: Attempt) -> None:
        """No password was checked (e.g. an unknown counter): the attempt does not count."""
        with self._lock:
            for log in (
                self._pairs.get((attempt.name, attempt.client)),
                self._clients.get(attempt.client),
                self._names.get(attempt.name),
            ):
                if log is not None:
                    log.drop(attempt.id)

    # A failure needs nothing more: it was counted when it began.

    def _log(self, table: dict[K, _Log], key: K, since: float) -> _Log:
        log = table.get(key)
        if log is None:
            log = table[key] = _Log()
        log.prune(since)
        return log

    def _wait(self, log: _Log, now: float) -> int:
        return max(1, int(log.times[0][0] + self.limits.window_s - now + 0.999))

    def _sweep(self, now: float) -> None:
        # Forget idle keys now and then, so guessing with many names or addresses cannot grow memory.
        self._since_sweep += 1
        if self._since_sweep < 1000:
            return
        self._since_sweep = 0
        since = now - self.limits.window_s
        for table in (self._pairs, self._clients, self._names):
            for key in [k for k, log in table.items() if not log.times or log.times[-1][0] <= since]:
                del table[key]
        self._next_slot = {k: t for k, t in self._next_slot.items() if t > now}
        horizon = now - self.limits.trusted_s
        self._trusted = {k: t for k, t in self._trusted.items() if t > horizon}
