"""The rule limiting staff login guesses (kiosk.hall.login_limits), on its own: no server, no clock."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from kiosk.hall.login_limits import Attempt, LoginGuard, LoginLimits, Refusal

LIM = LoginLimits()


def guess(guard: LoginGuard, name: str, client: str, now: float, right: bool = False) -> bool:
    """True if a password was checked."""
    attempt = guard.begin(name, client, now)
    if isinstance(attempt, Refusal):
        return False
    if right:
        guard.succeeded(attempt, now)
    return True


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.floats(0, 1)), max_size=200))
def test_no_pair_gets_more_checks_than_its_limit_per_window(guesses: list[tuple[str, str, float]]) -> None:
    guard = LoginGuard()
    checked: dict[tuple[str, str], int] = {}
    by_client: dict[str, int] = {}
    now = 0.0
    for name, client, step in guesses:
        now += step  # all within one window
        if guess(guard, name, client, now):
            checked[name, client] = checked.get((name, client), 0) + 1
            by_client[client] = by_client.get(client, 0) + 1
    assert all(n <= LIM.per_pair for n in checked.values())
    assert all(n <= LIM.per_client for n in by_client.values())


def test_parallel_attempts_are_counted_before_they_are_checked() -> None:
    guard = LoginGuard()
    began: list[Attempt | Refusal] = []
    barrier = threading.Barrier(40)

    def one() -> None:
        barrier.wait()
        began.append(guard.begin("li", "10.0.0.9", 0.0))

    threads = [threading.Thread(target=one) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(a, Attempt) for a in began) == LIM.per_pair


@given(st.integers(2, 40), st.floats(0, 299))
def test_guessing_elsewhere_never_locks_the_member_at_their_own_terminal(attackers: int, when: float) -> None:
    guard = LoginGuard()
    assert guess(guard, "wangfang", "counter-3", 0.0, right=True)  # signed in there before
    for i in range(attackers):
        for _ in range(LIM.per_pair + 2):
            guess(guard, "wangfang", f"10.0.0.{i}", when / 2)
    assert guess(guard, "wangfang", "counter-3", when, right=True)


@given(st.integers(1, 200))
def test_many_clients_together_get_one_check_per_interval_once_a_name_is_slowed(clients: int) -> None:
    guard = LoginGuard()
    checks = sum(guess(guard, "li", f"10.0.{i // 250}.{i % 250}", i * 0.01) for i in range(clients))
    assert checks <= LIM.name_slow_after + 1 + int(clients * 0.01 / LIM.name_interval_s)


def test_a_success_clears_its_pair_and_limits_expire() -> None:
    guard = LoginGuard()
    for _ in range(LIM.per_pair - 1):
        assert guess(guard, "li", "t1", 0.0)
    assert guess(guard, "li", "t1", 1.0, right=True)
    for _ in range(LIM.per_pair):
        assert guess(guard, "li", "t1", 2.0)
    refused = guard.begin("li", "t1", 3.0)
    assert isinstance(refused, Refusal) and refused.reason == "pair" and refused.retry_after_s == 299
    assert guess(guard, "li", "t1", 2.0 + LIM.window_s + 0.1)


def test_one_client_spraying_names_is_stopped() -> None:
    guard = LoginGuard()
    checked = sum(guess(guard, f"user{i}", "t1", 0.0) for i in range(50))
    assert checked == LIM.per_client
    refused = guard.begin("someone-else", "t1", 1.0)
    assert isinstance(refused, Refusal) and refused.reason == "client"


def test_a_cancelled_attempt_does_not_count() -> None:
    guard = LoginGuard()
    for _ in range(20):
        attempt = guard.begin("li", "t1", 0.0)
        assert isinstance(attempt, Attempt)
        guard.cancelled(attempt)
