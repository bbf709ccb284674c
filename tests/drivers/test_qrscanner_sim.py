"""Both scanner drivers against the scanner simulator process, over a real pty at a stable path.

Serial mode sends lines of bytes; evdev mode sends struct input_event key records the way a USB
keyboard-wedge scanner does. Each test is run for both where both make sense.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.base import Health, SelfTest
from drivers.qrscanner import Scan, ScanKind, classify
from drivers.qrscanner.keymap import PRINTABLE
from drivers.qrscanner.reader import ThreadedScanner
from drivers.qrscanner.serial_scanner import SerialScanner
from drivers.qrscanner.wedge import KeyboardWedgeScanner
from tests.drivers.simproc import SimProc, wait_for

SIM = "drivers.qrscanner.simulator"
APPT = "kP3-x_9QzT2mN8vA"
TICKET_URL = "https://hall.example.gov.cn/t/Zx9_-AbCdEfGhIjKlMnOpQ"
FAST = {"debounce_ms": 300, "idle_ms": 150, "reconnect_max_s": 0.2}

Start = Callable[..., tuple[SimProc, ThreadedScanner]]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start a simulator and a driver on its device: start(mode, *sim_args, **driver_settings)."""
    running: list[tuple[SimProc, ThreadedScanner]] = []

    def factory(mode: str, *sim_args: str, **settings: object) -> tuple[SimProc, ThreadedScanner]:
        link = tmp_path / f"scanner-{len(running)}"
        sim = SimProc(SIM, "--link", str(link), "--mode", mode, *sim_args)
        scanner: ThreadedScanner
        if mode == "serial":
            scanner = SerialScanner({"port": str(link), **FAST, **settings})
        else:
            scanner = KeyboardWedgeScanner({"device": str(link), **FAST, **settings})
        running.append((sim, scanner))
        scanner.start()
        wait_for(lambda: scanner.status().health is Health.OK)
        return sim, scanner

    yield factory
    for sim, scanner in running:
        scanner.stop()
        sim.stop()


def scan(sim: SimProc, text: str) -> None:
    sim.command("scanb64", base64.b64encode(text.encode()).decode())


def texts(scanner: ThreadedScanner, wait: float = 0.3) -> list[str]:
    """Everything the scanner delivers until it has been quiet for `wait` seconds."""
    out = []
    while (got := scanner.read(wait)) is not None:
        out.append(got.text)
    return out


MODES = ["serial", "evdev"]


@pytest.mark.parametrize("mode", MODES)
def test_urls_and_appointment_codes_arrive_intact(start: Start, mode: str) -> None:
    sim, scanner = start(mode)
    codes = [
        f"HQA1:{APPT}",
        f"https://hall.example.gov.cn/a/{APPT}",
        TICKET_URL,
        "http://192.168.1.20:8750/t/Zx9_-AbC?lang=en&next=%2Fhome#Top",
        PRINTABLE,  # every key of the US layout, with and without shift, and spaces
    ]
    if mode == "serial":
        codes.append("预约 HQA1:中文 and  two spaces")  # a serial scanner sends UTF-8 as is
    for code in codes:
        scan(sim, code)
        got = scanner.read(3)
        assert got is not None and got.text == code
        assert abs(got.at - time.time()) < 2
    assert [classify(c).kind for c in codes[:3]] == [
        ScanKind.APPOINTMENT,
        ScanKind.APPOINTMENT,
        ScanKind.TICKET,
    ]
    assert scanner.status().details["scans"] == len(codes)


@pytest.mark.parametrize(
    ("mode", "chunk", "delay_ms"), [("serial", 3, 15), ("serial", 1, 2), ("evdev", 7, 0)]
)
def test_codes_written_in_pieces_arrive_once_and_whole(
    start: Start, mode: str, chunk: int, delay_ms: int
) -> None:
    # evdev pieces of 7 bytes cut through the 24-byte records, which a real node never does but a pty may.
    sim, scanner = start(mode)
    sim.command("split", str(chunk), str(delay_ms), f"HQA1:{APPT}")
    sim.command("split", str(chunk), str(delay_ms), TICKET_URL)
    assert texts(scanner) == [f"HQA1:{APPT}", TICKET_URL]


@pytest.mark.parametrize(
    ("sim_suffix", "driver_suffix"), [("CR", "CR"), ("LF", "auto"), ("CRLF", "CRLF"), ("none", "none")]
)
def test_each_line_ending_the_scanner_can_be_set_to(
    start: Start, sim_suffix: str, driver_suffix: str
) -> None:
    sim, scanner = start("serial", "--suffix", sim_suffix, suffix=driver_suffix)
    scan(sim, f"HQA1:{APPT}")
    if sim_suffix == "none":
        time.sleep(0.3)  # with no terminator only the idle gap ends a code
    scan(sim, TICKET_URL)
    assert texts(scanner) == [f"HQA1:{APPT}", TICKET_URL]


def test_aim_identifiers_are_stripped_into_the_symbology(start: Start) -> None:
    sim, scanner = start("serial", "--aim", "Q1")
    scan(sim, f"HQA1:{APPT}")
    got = scanner.read(3)
    assert got is not None and (got.text, got.symbology) == (f"HQA1:{APPT}", "qr")
    sim.command("aim", "C0")
    scan(sim, "ABC-12345")
    got = scanner.read(3)
    assert got is not None and (got.text, got.symbology) == ("ABC-12345", "code128")
    sim2, raw = start("serial", "--aim", "Q1", aim=False)
    scan(sim2, f"HQA1:{APPT}")
    got = raw.read(3)
    assert got is not None and got.text == f"]Q1HQA1:{APPT}" and got.symbology is None


@pytest.mark.parametrize("mode", MODES)
def test_the_same_code_twice_in_a_moment_is_one_scan(start: Start, mode: str) -> None:
    sim, scanner = start(mode)
    got: list[Scan] = []
    scanner.start(got.append)  # callback mode, as the kiosk uses it
    for _ in range(3):
        scan(sim, f"HQA1:{APPT}")
    scan(sim, TICKET_URL)
    wait_for(lambda: len(got) >= 2)
    time.sleep(0.4)  # past debounce_ms (300): the same code again is a new scan
    scan(sim, TICKET_URL)
    wait_for(lambda: len(got) >= 3)
    time.sleep(0.2)
    assert [s.text for s in got] == [f"HQA1:{APPT}", TICKET_URL, TICKET_URL]
    assert scanner.diagnostics()["repeats"] == 2
    assert scanner.read(0.05) is None  # with a callback, nothing waits in the queue


@pytest.mark.parametrize("mode", MODES)
def test_garbage_is_never_delivered_and_does_not_stick_to_the_next_code(start: Start, mode: str) -> None:
    sim, scanner = start(mode)
    sim.command("garbage")
    time.sleep(0.3)  # longer than idle_ms: the unfinished tail of the garbage is dropped
    scan(sim, f"HQA1:{APPT}")
    assert texts(scanner) == [f"HQA1:{APPT}"]
    assert scanner.diagnostics()["discarded"] == 2  # the garbled code and the unfinished fragment
    assert scanner.status().health is Health.OK


@pytest.mark.parametrize("mode", MODES)
def test_unplug_and_replug_recovers_without_a_new_driver(start: Start, mode: str) -> None:
    # A long idle_ms: only the reconnect itself may throw away the half code left from before the unplug.
    sim, scanner = start(mode, idle_ms=10_000)
    scan(sim, "before")
    assert scanner.read(3) is not None
    sim.command("garbage")
    time.sleep(0.1)
    sim.command("unplug")
    wait_for(lambda: "reconnecting" in scanner.status().reason)
    st = scanner.status()
    assert st.health is Health.DEGRADED and "unplugged" in st.reason
    sim.command("replug")
    wait_for(lambda: scanner.status().health is Health.OK)
    scan(sim, f"HQA1:{APPT}")
    assert texts(scanner) == [f"HQA1:{APPT}"]
    assert scanner.diagnostics()["connects"] == 2


def test_a_scanner_gone_for_longer_than_fault_after_is_a_fault(start: Start) -> None:
    sim, scanner = start("serial", fault_after_s=0.3)
    sim.command("unplug")
    wait_for(lambda: scanner.status().health is Health.FAULT)
    assert scanner.status().reason.startswith(f"cannot open {sim.device}: no such device")
    sim.command("replug")
    wait_for(lambda: scanner.status().health is Health.OK)


@pytest.mark.parametrize("cls", [SerialScanner, KeyboardWedgeScanner])
def test_an_absent_device_is_a_fault_naming_it(cls: type[ThreadedScanner], tmp_path: Path) -> None:
    path = str(tmp_path / "ttyACM9")
    key = "port" if cls is SerialScanner else "device"
    scanner = cls({key: path})
    idle = scanner.status()
    assert idle.health is Health.FAULT and path in idle.reason
    result = scanner.self_test()
    assert not result.passed and f"cannot open {path}: no such device" in result.describe()
    scanner.start()
    try:
        wait_for(lambda: scanner.status().health is Health.FAULT)
        assert scanner.read(0.1) is None
    finally:
        scanner.stop()


def test_the_wedge_reads_a_non_evdev_node_without_grabbing_it(start: Start) -> None:
    _, scanner = start("evdev")
    assert "not an evdev node, not grabbed" in scanner.status().reason


@pytest.mark.parametrize("mode", MODES)
def test_self_test_waits_for_a_test_scan_and_keeps_it_from_the_kiosk(start: Start, mode: str) -> None:
    sim, scanner = start(mode, self_test_scan_s=3.0)
    kiosk: list[Scan] = []
    scanner.start(kiosk.append)
    result: list[SelfTest] = []
    tester = threading.Thread(target=lambda: result.append(scanner.self_test()))
    tester.start()
    time.sleep(0.3)
    scan(sim, f"HQA1:{APPT}")
    tester.join(5)
    (report,) = result
    assert report.passed, report.describe()
    assert f"{len('HQA1:' + APPT)} characters (appointment)" in report.describe()
    assert kiosk == []
    time.sleep(0.4)
    scan(sim, TICKET_URL)  # afterwards the kiosk's handler gets scans again
    wait_for(lambda: [s.text for s in kiosk] == [TICKET_URL])


@pytest.mark.parametrize(
    ("key", "name"), [("ctrl", "left Ctrl"), ("shift", "left Shift"), ("ralt", "right Alt")]
)
def test_a_lost_modifier_release_costs_one_scan_and_shows_as_a_stuck_key(
    start: Start, key: str, name: str
) -> None:
    sim, scanner = start("evdev")
    sim.command("press", key)  # its release never comes
    scan(sim, f"https://hall.example.gov.cn/a/{APPT}")
    assert texts(scanner) == []  # typed with the modifier down: dropped, never delivered altered
    status = scanner.status()
    assert status.health is Health.DEGRADED
    assert f"stuck key: {name}" in status.reason and "按键卡住" in status.reason_zh
    scan(sim, TICKET_URL)
    scan(sim, f"HQA1:{APPT}")
    assert texts(scanner) == [TICKET_URL, f"HQA1:{APPT}"]
    assert scanner.status().health is Health.OK
    assert scanner.diagnostics()["lost_releases"] == 1


def test_a_modifier_still_down_when_keys_stop_is_let_go(start: Start) -> None:
    sim, scanner = start("evdev")
    sim.command("press", "rctrl")
    wait_for(lambda: scanner.status().health is Health.DEGRADED, what="the stuck key")  # idle_ms passed
    assert "right Ctrl" in scanner.status().reason
    scan(sim, TICKET_URL)
    assert texts(scanner) == [TICKET_URL]
    assert scanner.status().health is Health.OK


def test_an_overrun_during_a_keystroke_does_not_leave_shift_down(start: Start) -> None:
    sim, scanner = start("evdev")
    sim.command("press", "shift")
    sim.command("overrun")  # the kernel lost events, the shift release among them
    scan(sim, "hqa1:cut")  # what came after the overrun is the tail of a scan: dropped
    scan(sim, f"https://hall.example.gov.cn/a/{APPT}")
    assert texts(scanner) == [f"https://hall.example.gov.cn/a/{APPT}"]  # lower case, as scanned
    assert scanner.diagnostics()["dropped_reports"] == 1


def test_a_handler_that_raises_does_not_stop_the_reader(start: Start) -> None:
    sim, scanner = start("serial")
    got: list[str] = []

    def handler(s: Scan) -> None:
        got.append(s.text)
        if len(got) == 1:
            raise RuntimeError("kiosk flow bug")

    scanner.start(handler)
    scan(sim, f"HQA1:{APPT}")
    scan(sim, TICKET_URL)
    wait_for(lambda: got == [f"HQA1:{APPT}", TICKET_URL])
    assert scanner.status().health is Health.OK and scanner.diagnostics()["connects"] == 1


def test_a_handler_may_stop_the_scanner_from_the_reader_thread(
    start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    sim, scanner = start("evdev")
    got: list[str] = []

    def handler(s: Scan) -> None:
        got.append(s.text)
        scanner.stop()  # the kiosk flow has its code and stops reading

    scanner.start(handler)
    scan(sim, f"HQA1:{APPT}")
    wait_for(lambda: got == [f"HQA1:{APPT}"])
    wait_for(lambda: scanner.status().reason.startswith("idle"))
    scan(sim, TICKET_URL)
    time.sleep(0.2)
    assert got == [f"HQA1:{APPT}"]
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
