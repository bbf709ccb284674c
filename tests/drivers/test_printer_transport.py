"""The transports, python-escpos's printer classes made thin: settings the library lacks, and errors."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from drivers.printer.escpos_import import Escpos
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.transport import FileTransport, NetworkTransport, SerialTransport, TransportError
from tests.drivers.test_printer_support import ticket


@pytest.mark.parametrize(
    ("flow", "expected"),
    [
        ("none", (False, False, False)),  # the library alone would turn DSR/DTR on
        ("rtscts", (True, False, False)),  # the library has no RTS/CTS parameter at all
        ("dsrdtr", (False, True, False)),
        ("xonxoff", (False, False, True)),
    ],
)
def test_serial_flow_control_reaches_the_port(flow: str, expected: tuple[bool, bool, bool]) -> None:
    controller, device = os.openpty()
    try:
        transport = SerialTransport(os.ttyname(device), 19200, flow)
        transport.open()
        port = transport._port()
        assert (port.rtscts, port.dsrdtr, port.xonxoff, port.baudrate) == (*expected, 19200)
        transport.write(b"\x10\x04\x01")
        assert os.read(controller, 16) == b"\x10\x04\x01"
        os.write(controller, b"\x16")
        assert transport.read(1, 1.0) == b"\x16"
        transport.close()
        assert not transport.is_open
    finally:
        os.close(controller)
        os.close(device)


def test_missing_serial_port_is_a_transport_error(tmp_path: Path) -> None:
    transport = SerialTransport(str(tmp_path / "ttyNONE"), 9600, "none")
    with pytest.raises(TransportError, match=r"cannot open .*ttyNONE"):
        transport.open()
    assert not transport.is_open


def test_refused_connection_is_one_clear_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    transport = NetworkTransport("127.0.0.1", port, 1.0, 1.0)
    assert isinstance(transport, Escpos)
    with pytest.raises(TransportError) as err:
        transport.open()
    assert f"cannot connect to 127.0.0.1:{port}:" in str(err.value) and "\n" not in str(err.value)
    assert not transport.is_open


def test_a_plain_file_collects_every_job(tmp_path: Path) -> None:
    out = tmp_path / "jobs.bin"
    printer = EscposPrinter({"transport": "file", "path": str(out), "poll_interval_s": 0})
    printer.print_ticket(ticket())
    one = out.read_bytes()
    printer.print_ticket(ticket())  # the library's File would truncate: it opens "wb"
    assert out.read_bytes() == one + one
    assert (
        FileTransport(str(tmp_path / "no" / "dir"))
        .probe()
        .endswith("does not exist (printer unplugged or off?)")
    )
