"""Driver.setting(): types and bounds, each refusal naming devices.<kind>.<key>."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from drivers.base import DeviceStatus, Driver, Health, SelfTest, SettingsError
from drivers.idcard.sam import SamSerialReader
from drivers.printer.escpos_printer import EscposPrinter


class Gadget(Driver):
    kind: ClassVar[str] = "gadget"
    driver: ClassVar[str] = "test"

    def status(self) -> DeviceStatus:
        return DeviceStatus(Health.OK, "fine")

    def self_test(self) -> SelfTest:
        return SelfTest(())


def value(key: str, given: Any, kind: type, **bounds: float) -> Any:
    return Gadget({key: given}).setting(key, kind, **bounds)


def test_numbers_within_inclusive_bounds_pass() -> None:
    assert value("n", 0, int, minimum=0) == 0
    assert value("n", 65535, int, minimum=1, maximum=65535) == 65535
    assert value("x", 2, float, minimum=0.1) == 2.0 and isinstance(value("x", 2, float, minimum=0.1), float)
    assert value("x", -5.0, float, maximum=-5.0) == -5.0


PORT = {"minimum": 1, "maximum": 65535}


@pytest.mark.parametrize(
    ("given", "kind", "bounds", "message"),
    [
        (-1, int, {"minimum": 0}, "devices.gadget.n must be at least 0, got -1"),
        (-1, float, {"minimum": 0.0}, "devices.gadget.n must be at least 0.0, got -1.0"),  # checked as float
        (11, int, {"maximum": 10}, "devices.gadget.n must be at most 10, got 11"),
        (0, int, PORT, "devices.gadget.n must be between 1 and 65535, got 0"),
        (70000, int, PORT, "devices.gadget.n must be between 1 and 65535, got 70000"),
    ],
)
def test_out_of_bounds_is_refused_naming_the_key(
    given: Any, kind: type, bounds: dict[str, float], message: str
) -> None:
    with pytest.raises(SettingsError) as err:
        value("n", given, kind, **bounds)
    assert str(err.value) == message


def test_the_type_is_checked_before_the_bounds() -> None:
    with pytest.raises(SettingsError, match=r"^devices\.gadget\.n must be int, got True$"):
        value("n", True, int, minimum=0)
    with pytest.raises(SettingsError, match=r"^devices\.gadget\.n must be float, got '1'$"):
        value("n", "1", float, minimum=0)


def test_a_default_is_taken_as_it_is_and_a_missing_required_key_is_named() -> None:
    assert Gadget({}).setting("n", int, None, minimum=1) is None
    with pytest.raises(SettingsError, match=r"devices\.gadget\.n is required by the test driver"):
        Gadget({}).setting("n", int, minimum=1)


def test_drivers_use_the_shared_bounds() -> None:
    with pytest.raises(SettingsError, match=r"devices\.printer\.tcp_port must be between 1 and 65535, got 0"):
        EscposPrinter({"transport": "network", "host": "127.0.0.1", "tcp_port": 0})
    with pytest.raises(SettingsError, match=r"devices\.idcard\.retries must be at least 0, got -1"):
        SamSerialReader({"retries": -1})
