"""The serial LED driver against the simulator process, over a real pty."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import serial

from drivers import registry
from drivers.base import DriverError, Health
from drivers.led.codec import ETX, Command, Frame, FrameStream, HallBusCodec, NakReason
from drivers.led.serial_display import LedNak, LedTimeout, LedUnplugged, SerialLedDisplay
from tests.drivers.simproc import SimProc

TIMEOUT = 0.15


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimProc]:
    with SimProc("drivers.led.simulator", "--link", str(tmp_path / "ttyLED"), "--address", "3") as proc:
        yield proc


def _display(sim: SimProc, **settings: Any) -> SerialLedDisplay:
    return SerialLedDisplay({"port": sim.device, "addresses": {"3": 3}, "timeout_s": TIMEOUT, **settings})


def test_shown_text_matches_and_the_display_reports_it_back(sim: SimProc) -> None:
    with _display(sim) as led:
        assert led.status().health is Health.OK  # the first status() queries the display
        assert led.show("G012", 3) == "G012"
        assert sim.command("shown")["text"] == "G012"
        led.template = "请{number}到{window}号窗口"  # GBK on the wire
        led.show("A007", 3)
        assert sim.command("shown")["text"] == "请A007到3号窗口"
        assert led.query(3).text.decode("gbk") == "请A007到3号窗口"
        led.brightness(40)
        led.clear()
        shown = sim.command("shown")
        assert shown["text"] == "" and shown["brightness"] == 40
        assert [h["cmd"] for h in shown["history"]] == ["show", "show", "brightness", "clear"]
        assert led.self_test().passed


def test_a_bad_checksum_frame_is_naked(sim: SimProc) -> None:
    codec = HallBusCodec()
    wire = bytearray(codec.encode(Frame(3, Command.SHOW, 42, b"X999")))
    wire[-2] ^= 0x40
    with serial.Serial(sim.device, timeout=1) as port:
        port.write(bytes(wire))
        (reply,) = FrameStream(codec).feed(port.read_until(bytes((ETX,))))
        # And the display's own accessibility guard: a 5 flashes/s blink is refused.
        port.write(codec.encode(Frame(3, Command.BLINK, 43, bytes((3, 20)))))
        (refused,) = FrameStream(codec).feed(port.read_until(bytes((ETX,))))
    assert reply == Frame(3, Command.NAK, 42, bytes((NakReason.CHECKSUM,)))
    assert refused == Frame(3, Command.NAK, 43, bytes((NakReason.PAYLOAD,)))
    shown = sim.command("shown")
    assert shown["text"] == "" and shown["stats"]["bad_frames"] == 1 and shown["history"] == []


def test_the_driver_retries_after_a_nak_and_after_a_garbled_reply(sim: SimProc) -> None:
    with _display(sim) as led:
        sim.command("fault", "nak", "1")
        led.show("G012", 3)
        assert led.extra_diagnostics()["counters"]["naks"] == 1
        sim.command("fault", "garbled", "1")
        led.blink(3, 3)
        counters = led.extra_diagnostics()["counters"]
        assert counters["bad_replies"] == 1 and counters["retries"] == 2
        shown = sim.command("shown")
        # The blink was done once although sent twice: the retry reused its sequence number.
        assert [h["cmd"] for h in shown["history"]] == ["show", "blink"]
        assert shown["stats"]["repeats"] == 1
        assert led.status().health is Health.OK

        sim.command("fault", "nak")
        with pytest.raises(LedNak) as err:
            led.show("G013", 3)
        assert err.value.code == "led.nak" and "NAK reason 5" in err.value.message
        assert led.status().health is Health.FAULT


def test_a_silent_display_times_out_faults_and_recovers(sim: SimProc) -> None:
    with _display(sim, retries=2) as led:
        led.show("G012", 3)
        sim.command("fault", "silent")
        t0 = time.monotonic()
        with pytest.raises(LedTimeout) as err:
            led.show("G013", 3)
        elapsed = time.monotonic() - t0
        assert err.value.code == "led.timeout"
        assert 3 * TIMEOUT <= elapsed < 3 * TIMEOUT + 1.0  # three attempts, then give up
        st = led.status()
        assert st.health is Health.FAULT and st.reason == f"display 3 did not answer within {TIMEOUT:.2f} s"
        assert not led.self_test().passed
        sim.command("fault", "none")
        assert led.status().health is Health.OK  # status looks again by itself
        led.show("G013", 3)
        assert sim.command("shown")["text"] == "G013"


def test_unplug_and_replug(sim: SimProc) -> None:
    with _display(sim, retries=1) as led:
        led.show("G012", 3)
        sim.command("unplug")
        with pytest.raises(DriverError) as err:
            led.show("G013", 3)
        assert isinstance(err.value, LedUnplugged) and err.value.code == "led.unplugged"
        st = led.status()
        assert st.health is Health.FAULT and "not present (unplugged?)" in st.reason
        assert sim.command("shown")["text"] == "G012"  # nothing reached the vanished display

        sim.command("replug")
        led.show("G014", 3)  # same path, new pty: reopened without being told
        assert sim.command("shown")["text"] == "G014"
        assert led.status().health is Health.OK
        assert led.extra_diagnostics()["counters"]["reconnects"] == 2


def test_blink_stays_within_the_accessibility_limits(sim: SimProc) -> None:
    with _display(sim) as led:
        led.show("G012", 3)
        led.blink(times=3, window=3, flashes_per_s=3.0)
        with pytest.raises(ValueError, match="accessibility"):
            led.blink(3, 3, flashes_per_s=5.0)
        with pytest.raises(ValueError, match="within 5 s"):
            led.blink(10, 3, flashes_per_s=1.0)
        shown = sim.command("shown")
        blinks = [h for h in shown["history"] if h["cmd"] == "blink"]
        assert len(blinks) == 1 and blinks[0]["period_s"] >= 1 / 3 and blinks[0]["text"] == "G012"


def test_frames_for_other_windows_are_ignored_by_this_display(sim: SimProc) -> None:
    with _display(sim, retries=0) as led:
        with pytest.raises(LedTimeout):
            led.show("G020", 5)  # window 5's display is not on this line
        assert sim.command("shown")["stats"]["ignored"] >= 1
        with pytest.raises(ValueError, match="no display address"):
            led.show("G021", "VIP")
        with pytest.raises(ValueError, match="columns"):
            SerialLedDisplay({"port": sim.device, "width": 8}).show("请G012到3号窗口", 3)


def test_module_fault_reported_by_the_display_degrades(sim: SimProc) -> None:
    with _display(sim) as led:
        sim.command("fault", "module")
        led.show("G012", 3)
        st = led.status()
        assert st.health is Health.DEGRADED and "LED module fault" in st.reason
        assert not led.self_test().passed


def test_ascii_line_display(tmp_path: Path) -> None:
    link = str(tmp_path / "ttyNUM")
    with SimProc("drivers.led.simulator", "--link", link, "--codec", "ascii-line") as sim:
        led = registry.create(
            "led", {"driver": "serial", "port": sim.device, "codec": "ascii-line", "address": 1}
        )
        assert isinstance(led, SerialLedDisplay)
        with led:
            led.show("G012", 7)
            deadline = time.monotonic() + 3
            while sim.command("shown")["text"] != "G012" and time.monotonic() < deadline:
                time.sleep(0.02)  # no ACK on this protocol: wait for the display to have it
            assert sim.command("shown")["text"] == "G012"
            st = led.status()
            assert st.health is Health.OK and st.details["verified"] is False
            with pytest.raises(ValueError, match="cannot be shown in ascii"):
                led.show("G012", 7, text="请G012")
            with pytest.raises(DriverError) as err:
                led.blink(3)
            assert err.value.code == "led.unsupported"
