"""The driver against the printer simulator as a separate process: TCP (raw 9100) and a serial pty.

Every check reads back what the simulator stored, i.e. the bytes that crossed the wire.
"""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drivers import registry
from drivers.base import Health, SettingsError
from drivers.printer import MaterialsPrint, PrinterError, StateChange, TicketPrint
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.interpret import interpret
from drivers.printer.layout import ticket_job
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from tests.drivers.simproc import SimProc, wait_for
from tests.drivers.test_printer_support import (
    HALL,
    HALL_EN,
    PUBLIC_URL,
    check_ticket_job,
    split_text,
    ticket,
    ticket_json,
)

SIM = "drivers.printer.simulator"
FAST = {"poll_interval_s": 0, "status_timeout_s": 0.3, "print_timeout_s": 3.0}


@dataclass
class Rig:
    sim: SimProc
    settings: dict[str, Any]

    @property
    def jobs(self) -> Path:
        return Path(self.sim.info["jobs"])

    def stats(self) -> dict[str, Any]:
        return self.sim.command("stats")

    def job(self, number: int, kind: str = "job") -> bytes:
        return (self.jobs / f"{kind}-{number:04d}.bin").read_bytes()

    def printer(self, **over: Any) -> EscposPrinter:
        return EscposPrinter({**self.settings, **FAST, **over})

    def reset(self) -> None:
        for cmd in (("power", "on"), ("paper", "ok"), ("cover", "closed"), ("online",)):
            self.sim.command(*cmd)


@pytest.fixture(scope="module")
def tcp_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProc]:
    jobs = tmp_path_factory.mktemp("tcp-printer")
    with SimProc(SIM, "--tcp", "127.0.0.1:0", "--jobs", str(jobs)) as sim:
        yield sim


@pytest.fixture(scope="module")
def pty_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProc]:
    where = tmp_path_factory.mktemp("pty-printer")
    with SimProc(SIM, "--link", str(where / "ttyPRN"), "--jobs", str(where / "jobs")) as sim:
        yield sim


def _network(sim: SimProc) -> Rig:
    host, port = sim.device.removeprefix("tcp://").rsplit(":", 1)
    return Rig(sim, {"transport": "network", "host": host, "tcp_port": int(port)})


@pytest.fixture
def net(tcp_sim: SimProc) -> Rig:
    rig = _network(tcp_sim)
    rig.reset()
    return rig


@pytest.fixture(params=["network", "serial"])
def rig(request: pytest.FixtureRequest, tcp_sim: SimProc, pty_sim: SimProc) -> Rig:
    if request.param == "network":
        rig = _network(tcp_sim)
    else:
        rig = Rig(pty_sim, {"transport": "serial", "port": pty_sim.device, "baud": 115200})
    rig.reset()
    return rig


def test_ticket_through_network_and_serial(rig: Rig) -> None:
    body = ticket_json()
    before = rig.stats()["jobs"]
    with rig.printer() as printer:
        printer.print_ticket(TicketPrint.from_api(body, HALL, PUBLIC_URL, hall_name_en=HALL_EN))
        stats = rig.stats()
        assert stats["jobs"] == before + 1 and stats["pending"] == 0
        job = rig.job(stats["jobs"])
        assert job == ticket_job(ticket(), printer.caps)  # whole, and no status query mixed into it
    check_ticket_job(job, body, 576)


def test_ticket_to_a_file_and_its_unknown_status(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    body = ticket_json(number="B007", colour="blue", waiting_ahead=0)
    printer = EscposPrinter({"transport": "file", "path": str(out), **FAST})
    status = printer.status()
    assert status.health is Health.DEGRADED and status.details["code"] == "printer_status_unknown"
    printer.print_ticket(TicketPrint.from_api(body, HALL, PUBLIC_URL))
    check_ticket_job(out.read_bytes(), body, 576)
    gone = EscposPrinter({"transport": "file", "path": "/dev/usb/lp9-not-here", **FAST})
    assert gone.status().details["code"] == "printer_unreachable"
    with pytest.raises(PrinterError) as err:
        gone.print_ticket(ticket())
    assert err.value.code == "printer_unreachable" and not err.value.sent


def test_status_changes_refusals_and_one_event_per_change(rig: Rig) -> None:
    events: list[StateChange] = []
    printer = rig.printer()
    printer.on_state_change(events.append)

    def check(health: Health, code: str) -> None:
        for _ in range(2):  # asking twice must not fire twice
            status = printer.status()
            assert (status.health, status.details["code"]) == (health, code)

    def refused(code: str, words: str) -> None:
        before = rig.stats()
        with pytest.raises(PrinterError) as err:
            printer.print_ticket(ticket())
        e = err.value
        assert (e.code, e.number, e.sent) == (code, "G012", False)
        assert e.message_zh.startswith("取号成功，请记下您的号码 G012。") and words in e.message_zh
        assert "G012" in e.message and "staff" in e.message
        after = rig.stats()  # not a byte of the job reached the printer
        assert (after["jobs"], after["partials"], after["discarded"], after["pending"]) == (
            before["jobs"],
            before["partials"],
            before["discarded"],
            0,
        )

    check(Health.OK, "ok")
    rig.sim.command("paper", "near_end")
    check(Health.DEGRADED, "printer_paper_near_end")
    assert printer.status().reason == "paper near end" and printer.status().reason_zh == "打印纸即将用完"
    jobs = rig.stats()["jobs"]
    printer.print_ticket(ticket())  # near end still prints
    assert rig.stats()["jobs"] == jobs + 1
    rig.sim.command("paper", "out")
    check(Health.FAULT, "printer_paper_out")
    refused("printer_paper_out", "打印机缺纸")
    rig.sim.command("paper", "ok")
    check(Health.OK, "ok")
    rig.sim.command("cover", "open")
    check(Health.FAULT, "printer_cover_open")
    refused("printer_cover_open", "舱盖")
    rig.sim.command("cover", "closed")
    check(Health.OK, "ok")
    rig.sim.command("offline")
    check(Health.FAULT, "printer_offline")
    refused("printer_offline", "无法打印")
    rig.sim.command("online")
    check(Health.OK, "ok")
    printer.close()

    codes = [e.current.details["code"] for e in events]
    assert codes == [
        "ok",
        "printer_paper_near_end",
        "printer_paper_out",
        "ok",
        "printer_cover_open",
        "ok",
        "printer_offline",
        "ok",
    ]
    assert events[0].previous is None
    assert all(
        e.previous is not None and e.previous.details["code"] == p.current.details["code"]
        for p, e in itertools.pairwise(events)
    )


def test_poller_fires_events_by_itself(net: Rig) -> None:
    events: list[str] = []
    printer = net.printer(poll_interval_s=0.05)
    printer.on_state_change(lambda e: events.append(e.current.details["code"]))

    def wait_event(code: str) -> None:
        wait_for(lambda: bool(events) and events[-1] == code, what=f"a {code} event")

    with printer:
        wait_event("ok")
        net.sim.command("paper", "near_end")
        wait_event("printer_paper_near_end")
        net.sim.command("paper", "out")
        wait_event("printer_paper_out")
        assert printer.status().health is Health.FAULT  # served from the poller's reading
        net.sim.command("paper", "ok")
        wait_event("ok")
        time.sleep(0.3)  # several more polls: nothing changed, nothing fired
    assert events == ["ok", "printer_paper_near_end", "printer_paper_out", "ok"]


def test_simulator_prints_nothing_while_out_of_paper(net: Rig) -> None:
    job = ticket_job(ticket(), EscposPrinter({**net.settings, **FAST}).caps)
    net.sim.command("paper", "out")
    before = net.stats()
    with socket.create_connection((net.settings["host"], net.settings["tcp_port"])) as raw:
        raw.sendall(job)  # a careless client that does not ask first
        raw.sendall(b"\x10\x04\x04")  # answered once the job has been taken in
        assert raw.recv(1) == b"\x7e"  # paper end sensor set (bits 5, 6) and near end (2, 3)
    after = net.stats()
    assert after["jobs"] == before["jobs"] and after["discarded"] == before["discarded"] + len(job)


def test_paper_running_out_mid_ticket_is_reported(net: Rig) -> None:
    net.sim.command("paper", "runout")
    before = net.stats()
    with net.printer() as printer, pytest.raises(PrinterError) as err:
        printer.print_ticket(ticket())
    assert (err.value.code, err.value.sent) == ("printer_paper_out", True)
    assert "可能未打印完整" in err.value.message_zh and "G012" in err.value.message_zh
    after = net.stats()
    assert after["partials"] == before["partials"] + 1 and after["jobs"] == before["jobs"]
    partial = net.job(after["partials"], "partial")
    assert ticket_job(ticket(), printer.caps).startswith(partial)  # the first line, then nothing


def test_unreachable_printer_and_recovery(rig: Rig) -> None:
    printer = rig.printer()
    assert printer.status().health is Health.OK
    rig.sim.command("power", "off")
    status = printer.status()
    assert (status.health, status.details["code"]) == (Health.FAULT, "printer_unreachable")
    with pytest.raises(PrinterError) as err:
        printer.print_ticket(ticket())
    assert (err.value.code, err.value.sent) == ("printer_unreachable", False)
    assert "打印机未连接" in err.value.message_zh
    rig.sim.command("power", "on")
    jobs = rig.stats()["jobs"]
    printer.print_ticket(ticket())  # reconnects by itself
    assert rig.stats()["jobs"] == jobs + 1
    printer.close()


def test_materials_list_through_the_network(net: Rig) -> None:
    matter = next(m for m in load_catalogue(DEFAULT_CATALOGUE_PATH).matters if len(m.materials_zh) >= 3)
    with net.printer() as printer:
        printer.print_materials(MaterialsPrint.from_matter(matter, HALL, hall_name_en=HALL_EN))
    job = net.job(net.stats()["jobs"])
    segments, _ = split_text(job)
    assert matter.name_zh in "".join(segments).replace(" ", "")
    for i, item in enumerate(matter.materials_zh, 1):
        assert any(s.startswith(f"{i}. ") for s in segments if item[:4] in s), item
    assert job.endswith(b"\x1dVA\x00")


def test_materials_refusal_tells_the_resident_what_to_do(net: Rig) -> None:
    net.sim.command("cover", "open")
    with net.printer() as printer, pytest.raises(PrinterError) as err:
        printer.print_materials(MaterialsPrint(HALL, "户口簿补领", "Hukou booklet", ("户口簿",)))
    assert err.value.number is None and "材料清单未能打印" in err.value.message_zh


def test_status_query_off_prints_blind_and_says_so(net: Rig) -> None:
    printer = net.printer(status_query=False)
    status = printer.status()
    assert status.health is Health.DEGRADED and "cannot read" in status.reason
    jobs = net.stats()["jobs"]
    printer.print_ticket(ticket())
    printer.close()  # without status replies nothing says when the printer has taken the job in
    wait_for(lambda: net.stats()["jobs"] == jobs + 1)


def test_self_test_and_diagnostics(net: Rig) -> None:
    with net.printer(self_test_print=True) as printer:
        result = printer.self_test()
        assert result.passed, result.describe()
        assert [s.name for s in result.steps] == ["settings", "layout", "status", "print"]
        diag = printer.diagnostics()
    assert diag["kind"] == "printer" and diag["driver"] == "escpos"
    assert diag["counters"]["test_page_printed"] == 1 and diag["capabilities"]["cols"] == 48
    assert b"T000" in net.job(net.stats()["jobs"])


def test_usb_printer_that_is_not_plugged_in() -> None:
    printer = EscposPrinter({"transport": "usb", "vendor_id": 0xFFFE, "product_id": "0xfffe", **FAST})
    status = printer.status()
    assert (status.health, status.details["code"]) == (Health.FAULT, "printer_unreachable")
    with pytest.raises(PrinterError) as err:
        printer.print_ticket(ticket())
    assert err.value.code == "printer_unreachable"
    out_only = EscposPrinter(
        {"transport": "usb", "vendor_id": 0xFFFE, "product_id": 0xFFFE, "in_ep": 0, **FAST}
    )
    assert out_only.status().details["code"] == "printer_unreachable"
    assert not out_only.self_test().passed


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"transport": "bluetooth"}, "devices.printer.transport must be one of usb, serial, network, file"),
        ({"transport": "network"}, "devices.printer.host is required"),
        ({"transport": "serial", "port": "/dev/ttyS0", "flow": "rts"}, "devices.printer.flow"),
        ({"transport": "usb", "vendor_id": "epson", "product_id": 1}, "devices.printer.vendor_id"),
        ({"transport": "file", "path": "/tmp/x", "paper": "110mm"}, "devices.printer.paper must be one of"),
        ({"transport": "file", "path": "/tmp/x", "qr": "barcode"}, "qr must be native or raster"),
        ({"transport": "file", "path": "/tmp/x", "status_timeout_s": 0}, "status_timeout_s must be > 0"),
    ],
)
def test_settings_errors_name_the_key(settings: dict[str, Any], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        EscposPrinter(settings)


def test_registry_builds_the_driver_from_a_config_table(tmp_path: Path) -> None:
    assert registry.load("printer", "escpos") is EscposPrinter
    printer = registry.create(
        "printer", {"driver": "escpos", "transport": "file", "path": str(tmp_path / "p")}
    )
    assert isinstance(printer, EscposPrinter) and printer.kind == "printer"


def test_a_broken_listener_does_not_stop_printing(net: Rig) -> None:
    seen: list[str] = []

    def broken(_: StateChange) -> None:
        raise RuntimeError("listener bug")

    printer = net.printer()
    printer.on_state_change(broken)
    unsubscribe: Callable[[], None] = printer.on_state_change(
        lambda e: seen.append(e.current.details["code"])
    )
    printer.print_ticket(ticket())
    unsubscribe()
    net.sim.command("paper", "near_end")
    printer.status()
    assert seen == ["ok"]
    printer.close()


def test_stored_jobs_interpret_cleanly(net: Rig) -> None:
    """Every job the simulator stored in this module is well-formed ESC/POS that fits the paper."""
    for path in sorted(net.jobs.glob("*.bin")):
        paper = interpret(path.read_bytes(), 576)
        assert not any(line.wrapped for line in paper.lines), path.name
