"""Staff login guessing against a real back office: parallel guesses, guessers at other terminals, the
member at their own. Terminals are loopback addresses (127.0.0.x), as the server sees them."""

from __future__ import annotations

import concurrent.futures

import httpx

from tests.conftest import HallFactory
from tests.support import HallProcess
from tests.test_staff import add_staff

RIGHT = "correct horse 7"


def terminal(proc: HallProcess, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=proc.url + "/api/v1", transport=transport, timeout=30.0)


def login(client: httpx.Client, password: str, username: str = "wangfang") -> httpx.Response:
    return client.post("/auth/login", json={"username": username, "password": password})


def test_parallel_guesses_get_no_more_checks_than_the_limit(make_hall: HallFactory) -> None:
    proc, _ = make_hall()
    assert add_staff(proc, "wangfang", "王芳", RIGHT).returncode == 0
    passwords = [f"wrong guess {i}" for i in range(39)] + [RIGHT]
    with terminal(proc, "127.0.0.5") as client, concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda p: login(client, p), passwords))
    statuses = [r.status_code for r in answers]
    checked = [s for s in statuses if s != 429]
    print(f"40 parallel guesses: {len(checked)} password checks, {statuses.count(429)} refused")
    assert len(checked) <= 5 and statuses.count(429) >= 35, statuses
    refused = next(r for r in answers if r.status_code == 429)
    assert refused.json()["code"] == "too_many_attempts" and int(refused.headers["Retry-After"]) > 0


def test_guessers_elsewhere_cannot_lock_a_member_out_of_their_own_terminal(make_hall: HallFactory) -> None:
    proc, _ = make_hall()
    assert add_staff(proc, "wangfang", "王芳", RIGHT).returncode == 0
    own = terminal(proc, "127.0.0.2")
    assert login(own, RIGHT).status_code == 200  # the member's counter terminal
    checks = 0
    for i in range(10, 15):  # five guessers at five other terminals, seven wrong guesses each
        with terminal(proc, f"127.0.0.{i}") as guesser:
            answers = [login(guesser, f"guess {n}").status_code for n in range(7)]
        assert set(answers) <= {401, 429} and answers[5:] == [429, 429], answers
        checks += answers.count(401)
    # Two terminals' worth of guesses, then the name slows to one check per interval for all others.
    assert checks == 11, checks
    r = login(own, RIGHT)
    assert r.status_code == 200, r.text  # before: 429, the name was locked for everyone
    with terminal(proc, "127.0.0.30") as new:
        slowed = login(new, RIGHT)
    assert slowed.status_code == 429 and 0 < int(slowed.headers["Retry-After"]) <= 30, slowed.text
    own.close()


def test_one_terminal_trying_many_names_is_stopped(make_hall: HallFactory) -> None:
    proc, _ = make_hall()
    assert add_staff(proc, "wangfang", "王芳", RIGHT).returncode == 0
    with terminal(proc, "127.0.0.7") as sprayer:
        answers = [login(sprayer, "password1", f"user{i}").status_code for i in range(21)]
        assert answers[:20] == [401] * 20 and answers[20] == 429, answers
        assert login(sprayer, RIGHT).status_code == 429
    with terminal(proc, "127.0.0.8") as elsewhere:
        assert login(elsewhere, RIGHT).status_code == 200
