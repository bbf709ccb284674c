"""ReconnectingWorker on its own: back-off, health over time, and stopping from any thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from drivers.base import Health
from drivers.worker import Outcome, ReconnectingWorker
from tests.drivers.simproc import wait_for

Script = Callable[[threading.Event, int], Outcome]


def make(attempt: Script, **options: float) -> tuple[ReconnectingWorker, list[float]]:
    """A worker running `attempt(stop, n)` (n counts calls from 0), and the back-off waits it asked for.

    The waits are recorded, and not slept, by swapping the stop event's wait(): the test runs as fast
    as the thread can go and sees the exact sequence of delays.
    """
    waits: list[float] = []
    calls = [0]

    def record(stop: threading.Event) -> Callable[[float | None], bool]:
        def wait(timeout: float | None = None) -> bool:
            waits.append(timeout if timeout is not None else float("inf"))
            return stop.is_set()

        return wait

    def wrapped(stop: threading.Event) -> Outcome:
        n = calls[0]
        calls[0] += 1
        if n == 0:
            stop.wait = record(stop)  # type: ignore[method-assign]
        return attempt(stop, n)

    settings: dict[str, float] = {"first_retry_s": 0.1, "max_retry_s": 0.8, **options}
    return ReconnectingWorker("test worker", wrapped, **settings), waits


@pytest.fixture
def workers() -> Iterator[list[ReconnectingWorker]]:
    """Workers a test starts; stopped afterwards whatever happened."""
    started: list[ReconnectingWorker] = []
    yield started
    for worker in started:
        worker.stop(2.0)


def test_back_off_doubles_up_to_the_cap_and_starts_over_after_it_worked(
    workers: list[ReconnectingWorker],
) -> None:
    plan = [Outcome.FAILED] * 5 + [Outcome.WORKED, Outcome.FAILED, Outcome.FAILED, Outcome.DONE]
    worker, waits = make(lambda stop, n: plan[n])
    workers.append(worker)
    assert worker.start()
    wait_for(lambda: not worker.alive, what="the worker to finish its plan")
    assert waits == [0.1, 0.2, 0.4, 0.8, 0.8, 0.1, 0.2, 0.4]
    assert worker.running  # DONE ends the thread, not the worker: status still says what happened


def test_again_goes_at_once_and_keeps_the_back_off(workers: list[ReconnectingWorker]) -> None:
    plan = [Outcome.FAILED, Outcome.FAILED, Outcome.AGAIN, Outcome.AGAIN, Outcome.FAILED, Outcome.DONE]
    worker, waits = make(lambda stop, n: plan[n])
    workers.append(worker)
    worker.start()
    wait_for(lambda: not worker.alive)
    assert waits == [0.1, 0.2, 0.4]


def test_an_exception_counts_as_a_failure_logs_and_is_survived(
    workers: list[ReconnectingWorker], caplog: pytest.LogCaptureFixture
) -> None:
    def attempt(stop: threading.Event, n: int) -> Outcome:
        if n < 2:
            raise RuntimeError("library surprise")
        return Outcome.DONE

    worker, waits = make(attempt)
    workers.append(worker)
    with caplog.at_level(logging.WARNING, logger="drivers.worker"):
        worker.start()
        wait_for(lambda: not worker.alive)
    assert waits == [0.1, 0.2]
    outage = worker.outage()
    assert outage is not None and outage.error == "unexpected error: library surprise"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2 and all(r.getMessage() == "test worker: unexpected error" for r in errors)
    assert all(r.exc_info for r in errors)  # with the traceback


def test_never_worked_is_a_fault_at_once() -> None:
    worker = ReconnectingWorker("w", lambda stop: Outcome.DONE, first_retry_s=0.1, max_retry_s=1.0)
    stop = threading.Event()
    assert worker.outage() is None
    assert worker.fail(stop, "no such device")
    outage = worker.outage()
    assert outage is not None and (outage.health, outage.error) == (Health.FAULT, "no such device")


def test_worked_then_failing_is_degraded_until_fault_after_then_a_fault(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = ReconnectingWorker(
        "w", lambda stop: Outcome.DONE, first_retry_s=0.1, max_retry_s=1.0, fault_after_s=10.0
    )
    stop = threading.Event()
    assert worker.worked(stop) and worker.outage() is None
    with caplog.at_level(logging.WARNING, logger="drivers.worker"):
        before = time.monotonic()
        worker.fail(stop, "unplugged")
        worker.fail(stop, "connection refused")  # the same outage: the reason follows, the start stays
        after = time.monotonic()
    assert [r.getMessage() for r in caplog.records] == ["w: unplugged"]  # logged once per outage
    early = worker.outage(after + 9.9)
    assert early is not None and early.health is Health.DEGRADED and early.error == "connection refused"
    assert 9.9 <= early.failing_for <= 9.9 + (after - before)
    late = worker.outage(after + 10.0)
    assert late is not None and late.health is Health.FAULT
    assert worker.worked(stop) and worker.outage() is None and worker.error == ""


def test_degraded_turns_into_a_fault_in_real_time(workers: list[ReconnectingWorker]) -> None:
    connected = [False]

    def attempt(stop: threading.Event) -> Outcome:
        if not connected[0]:  # the first time it connects, works, and loses the device
            connected[0] = True
            worker.worked(stop)
            worker.fail(stop, "the device went away")
            return Outcome.WORKED
        worker.fail(stop, "no such device")  # then it cannot reopen it
        return Outcome.FAILED

    worker = ReconnectingWorker("w", attempt, first_retry_s=0.02, max_retry_s=0.05, fault_after_s=0.4)
    workers.append(worker)
    started = time.monotonic()
    worker.start()
    wait_for(lambda: (o := worker.outage()) is not None and o.health is Health.DEGRADED, 2.0)
    wait_for(lambda: (o := worker.outage()) is not None and o.health is Health.FAULT, 3.0)
    assert time.monotonic() - started >= 0.4
    outage = worker.outage()
    assert outage is not None and outage.error == "no such device" and outage.failing_for >= 0.4


def test_start_again_forgets_the_last_run(workers: list[ReconnectingWorker]) -> None:
    worker, _ = make(lambda stop, n: Outcome.DONE)
    workers.append(worker)
    worker.start()
    wait_for(lambda: not worker.alive)
    stop = threading.Event()
    worker.worked(stop)
    worker.fail(stop, "gone")
    worker.start()  # the thread had ended (DONE): a new one, with a clean record
    assert worker.outage() is None and worker.error == ""
    gone = threading.Event()
    worker.fail(gone, "gone")
    outage = worker.outage()
    assert outage is not None and outage.health is Health.FAULT  # it has not worked since this start()


def test_start_while_alive_does_nothing(workers: list[ReconnectingWorker]) -> None:
    threads: list[threading.Thread] = []

    def attempt(stop: threading.Event) -> Outcome:
        threads.append(threading.current_thread())
        stop.wait(5)
        return Outcome.DONE

    worker = ReconnectingWorker("w", attempt, first_retry_s=0.1, max_retry_s=1.0)
    workers.append(worker)
    assert worker.start()
    assert not worker.start()
    wait_for(lambda: len(threads) == 1)
    time.sleep(0.05)
    assert len(threads) == 1 and threads[0].name == "w"


def test_stop_from_another_thread_interrupts_work_and_back_off() -> None:
    working = threading.Event()

    def busy(stop: threading.Event) -> Outcome:
        working.set()
        stop.wait()  # "reading the device" until told to stop
        return Outcome.WORKED

    worker = ReconnectingWorker("w", busy, first_retry_s=0.1, max_retry_s=1.0)
    worker.start()
    assert working.wait(2)
    t0 = time.monotonic()
    assert worker.stop(5.0)
    assert time.monotonic() - t0 < 1 and not worker.alive and not worker.running

    waiting = ReconnectingWorker("w", lambda stop: Outcome.FAILED, first_retry_s=30.0, max_retry_s=30.0)
    waiting.start()
    time.sleep(0.05)  # now in a 30 s back-off
    t0 = time.monotonic()
    stopper = threading.Thread(target=waiting.stop, args=(5.0,))
    stopper.start()
    stopper.join(5)
    assert time.monotonic() - t0 < 1 and not waiting.alive
    assert waiting.stop(1.0)  # twice is fine


def test_stop_that_times_out_says_so(caplog: pytest.LogCaptureFixture) -> None:
    release = threading.Event()

    def stubborn(stop: threading.Event) -> Outcome:
        release.wait(5)  # a blocking call that does not look at stop
        return Outcome.FAILED

    worker = ReconnectingWorker("stubborn", stubborn, first_retry_s=0.1, max_retry_s=1.0)
    worker.start()
    time.sleep(0.05)
    with caplog.at_level(logging.WARNING, logger="drivers.worker"):
        assert not worker.stop(0.1)
    assert "stubborn: the thread did not stop in time" in caplog.text
    release.set()
    wait_for(lambda: not any(t.name == "stubborn" for t in threading.enumerate()), 2.0)


def test_stop_from_the_workers_own_callback_does_not_wait_for_itself() -> None:
    seen: dict[str, object] = {}

    def handler(stop: threading.Event) -> Outcome:
        # A callback on the worker's thread ("got the code, stop reading") stops its own driver.
        t0 = time.monotonic()
        seen["stopped"] = worker.stop(30.0)
        seen["took"] = time.monotonic() - t0
        seen["stop set"] = stop.is_set()
        # What it reports after stop() is dropped: a stopped driver must not look broken.
        seen["recorded"] = (worker.fail(stop, "late"), worker.worked(stop))
        return Outcome.WORKED

    worker = ReconnectingWorker("self-stopping", handler, first_retry_s=0.1, max_retry_s=1.0)
    worker.start()
    wait_for(lambda: "recorded" in seen)
    assert seen["stopped"] is True and seen["stop set"] is True
    assert isinstance(seen["took"], float) and seen["took"] < 0.5  # no self-join, no 30 s wait
    assert seen["recorded"] == (False, False)
    assert not worker.running and worker.outage() is None
    wait_for(lambda: not any(t.name == "self-stopping" for t in threading.enumerate()), 2.0)


def test_a_new_start_after_a_self_stop_gets_its_own_stop_event(workers: list[ReconnectingWorker]) -> None:
    events: list[threading.Event] = []
    finish_first = threading.Event()

    def attempt(stop: threading.Event, n: int) -> Outcome:
        events.append(stop)
        if n == 0:  # the first call on the first thread
            worker.stop(5.0)
            finish_first.wait(5)  # the first thread lingers in its callback
            return Outcome.WORKED
        stop.wait()
        return Outcome.DONE

    worker = ReconnectingWorker(
        "w", lambda stop: attempt(stop, len(events)), first_retry_s=0.1, max_retry_s=1.0
    )
    workers.append(worker)
    worker.start()
    wait_for(lambda: len(events) == 1 and not worker.running)
    assert worker.start()  # the old thread is on its way out (stopped); a new one starts
    wait_for(lambda: len(events) == 2)
    assert events[0].is_set() and not events[1].is_set()
    finish_first.set()
    time.sleep(0.05)
    assert worker.alive and len(events) == 2  # the first thread ended instead of looping again


def test_name_may_be_given_late() -> None:
    device = {"path": ""}
    worker = ReconnectingWorker(
        lambda: f"scanner {device['path']}", lambda stop: Outcome.DONE, first_retry_s=0.1, max_retry_s=1.0
    )
    device["path"] = "/dev/ttyACM0"
    assert worker.name == "scanner /dev/ttyACM0"
