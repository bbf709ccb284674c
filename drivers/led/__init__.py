"""Window LED displays: the small bar above each counter window showing the number being called.

`LedDisplay` is what callers use (show / clear / blink / brightness, window → bus address, the text
template, the accessibility limits); a transport driver (`SerialLedDisplay`) moves the frames, and the
framing itself is a pluggable codec (`drivers.led.codec.codecs`).
"""

from __future__ import annotations

import abc
import string
import unicodedata
from collections.abc import Mapping
from typing import Any, ClassVar

from drivers.base import Driver, SettingsError

MAX_ADDRESS = 254
MAX_BLINK_HZ = 3.0  # GB/T 37668 / WCAG 2.3.1: no more than three flashes a second
MAX_BLINK_S = 5.0  # a highlight stops after a few seconds


def columns(text: str) -> int:
    """Width in half-width cells: a GB 16×16 Chinese glyph takes two of an 8×16 digit's cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class LedDisplay(Driver):
    kind: ClassVar[str] = "led"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.fixed_address: int | None = self.setting("address", int, None)
        if self.fixed_address is not None and not 1 <= self.fixed_address <= MAX_ADDRESS:
            raise SettingsError(f"devices.led.address must be 1..{MAX_ADDRESS}, got {self.fixed_address}")
        self.addresses: dict[str, int] = {}
        for window, address in self.setting("addresses", dict, {}).items():
            if not isinstance(address, int) or not 1 <= address <= MAX_ADDRESS:
                raise SettingsError(
                    f"devices.led.addresses.{window} must be 1..{MAX_ADDRESS}, got {address!r}"
                )
            self.addresses[str(window)] = address
        self.template: str = self.setting("template", str, "{number}")
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(self.template) if f}
        except ValueError as exc:
            raise SettingsError(f"devices.led.template: {exc}") from None
        if not fields <= {"number", "window"}:
            raise SettingsError(
                f"devices.led.template may use {{number}} and {{window}}, not {sorted(fields)}"
            )
        self.width: int = self._ranged("width", int, 0, 0, 255)
        self.blink_hz: float = self._ranged("blink_hz", float, 2.0, 0.4, MAX_BLINK_HZ)
        self.blink_times: int = self._ranged("blink_times", int, 3, 1, 10)
        self.shown: dict[int, str] = {}  # what each address was last told to show
        self._last_address: int | None = None

    def _ranged(self, key: str, kind: type, default: Any, lo: float, hi: float) -> Any:
        value = self.setting(key, kind, default)
        if not lo <= value <= hi:
            raise SettingsError(f"devices.{self.kind}.{key} must be between {lo} and {hi}, got {value!r}")
        return value

    # -- addressing -------------------------------------------------------------------------------------

    def address_for(self, window: int | str | None) -> int:
        """A window's bus address: `address` (a single display), `addresses`, or the window number."""
        if self.fixed_address is not None:
            return self.fixed_address
        if window is None:
            if self._last_address is None:
                raise ValueError("no window given and nothing shown yet")
            return self._last_address
        key = str(window).strip()
        if key in self.addresses:
            return self.addresses[key]
        if key.isascii() and key.isdigit() and 1 <= int(key) <= MAX_ADDRESS:
            return int(key)
        raise ValueError(f"window {window!r} has no display address; map it in devices.led.addresses")

    def probe_address(self) -> int:
        if self.fixed_address is not None:
            return self.fixed_address
        if self._last_address is not None:
            return self._last_address
        return min(self.addresses.values(), default=1)

    def known_addresses(self) -> list[int]:
        found = {*self.addresses.values(), *self.shown}
        if self.fixed_address is not None:
            found = {self.fixed_address}
        return sorted(found) or [self.probe_address()]

    # -- what callers use -------------------------------------------------------------------------------

    def show(self, number: str, window: int | str, text: str | None = None) -> str:
        """Show the called number at `window` (as `template`, unless `text` is given); returns the text."""
        if text is None:
            text = self.template.format(number=number, window=window)
        if self.width and columns(text) > self.width:
            raise ValueError(f"{text!r} needs {columns(text)} columns; the display has {self.width}")
        address = self.address_for(window)
        self._send_text(address, text)
        self.shown[address] = text
        self._last_address = address
        return text

    def clear(self, window: int | str | None = None) -> None:
        address = self.address_for(window)
        self._send_clear(address)
        self.shown[address] = ""

    def blink(
        self, times: int | None = None, window: int | str | None = None, flashes_per_s: float | None = None
    ) -> None:
        """Flash the current text to draw the eye; never faster than 3 a second, never longer than 5 s."""
        times = self.blink_times if times is None else times
        hz = self.blink_hz if flashes_per_s is None else flashes_per_s
        if not 0 < hz <= MAX_BLINK_HZ:
            raise ValueError(f"{hz} flashes a second is over the accessibility limit of {MAX_BLINK_HZ:g}")
        if not 1 <= times <= 10 or times / hz > MAX_BLINK_S:
            raise ValueError(f"{times} flashes at {hz}/s: keep it to 1–10 flashes within {MAX_BLINK_S:g} s")
        self._send_blink(self.address_for(window), times, hz)

    def brightness(self, level: int, window: int | str | None = None) -> None:
        if not 0 <= level <= 100:
            raise ValueError(f"brightness is 0..100, got {level}")
        self._send_brightness(self.address_for(window), level)

    @abc.abstractmethod
    def _send_text(self, address: int, text: str) -> None: ...

    @abc.abstractmethod
    def _send_clear(self, address: int) -> None: ...

    @abc.abstractmethod
    def _send_blink(self, address: int, times: int, flashes_per_s: float) -> None: ...

    @abc.abstractmethod
    def _send_brightness(self, address: int, level: int) -> None: ...


__all__ = ["LedDisplay", "columns"]
