"""What every hardware driver is: open/close, a status a technician can read, a self-test, diagnostics.

Modelled on Home Assistant's integrations: each device kind is a small package (pure codec, transport,
driver, wire-level simulator) and every driver answers the same three questions — is it working
(`status()`), does it pass its checks (`self_test()`), and what does a technician need to see
(`diagnostics()`, with secrets and personal data left out).
"""

from __future__ import annotations

import abc
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self


class Health(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"  # works, but needs attention soon (paper near end, slow link, retrying)
    FAULT = "fault"  # does not work; the resident must be told and a technician called


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    health: Health
    reason: str  # one line a technician understands, in English
    reason_zh: str = ""  # the same for hall staff
    details: Mapping[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    def report(self, kind: str) -> dict[str, Any]:
        """The body of POST /api/v1/devices/{id}/status on the back office."""
        return {
            "kind": kind,
            "status": self.health.value,
            "reason": self.reason,
            "details": dict(self.details),
        }


@dataclass(frozen=True, slots=True)
class CheckStep:
    name: str
    passed: bool
    message: str


@dataclass(frozen=True, slots=True)
class SelfTest:
    steps: tuple[CheckStep, ...]

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.passed for s in self.steps)

    def describe(self) -> str:
        return "\n".join(f"  [{'PASS' if s.passed else 'FAIL'}] {s.name}: {s.message}" for s in self.steps)


class DriverError(Exception):
    """A device failure the caller can show: a stable code and a message for people."""

    def __init__(self, code: str, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh or message


class SettingsError(ValueError):
    """A device setting in the configuration is missing or wrong; the message names it."""


def _range(minimum: float | None, maximum: float | None) -> str:
    if minimum is None:
        return f"at most {maximum}"
    if maximum is None:
        return f"at least {minimum}"
    return f"between {minimum} and {maximum}"


# Settings a diagnostics dump must never show.
_SECRET_KEYS = ("password", "token", "secret", "key", "licence", "license")


class Driver(abc.ABC):
    """Base of every driver. Subclasses set `kind` (the device kind) and `driver` (their registry name)."""

    kind: ClassVar[str]
    driver: ClassVar[str]

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = dict(settings or {})

    def setting(
        self,
        key: str,
        kind: type,
        default: Any = ...,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> Any:
        """A typed setting, or SettingsError naming `devices.<kind>.<key>`.

        `minimum` and `maximum` (inclusive) bound a number the configuration gives; a default is taken
        as it is.
        """
        if key not in self.settings:
            if default is ...:
                raise SettingsError(f"devices.{self.kind}.{key} is required by the {self.driver} driver")
            return default
        value = self.settings[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SettingsError(f"devices.{self.kind}.{key} must be {kind.__name__}, got {value!r}")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = _range(minimum, maximum)
            raise SettingsError(f"devices.{self.kind}.{key} must be {bounds}, got {value!r}")
        return value

    def open(self) -> None:  # noqa: B027 - optional hook, most drivers connect lazily
        """Connect to the device. Drivers that connect lazily (and reconnect) may do nothing here."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device; safe to call twice."""

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def status(self) -> DeviceStatus:
        """The device's state now, cheaply (no long I/O); what the technician list and health reports show."""

    @abc.abstractmethod
    def self_test(self) -> SelfTest:
        """Exercise the device end to end (may take seconds); for technicians and `kiosk doctor`."""

    def diagnostics(self) -> dict[str, Any]:
        """A dump for a technician: settings (secrets removed), status, and the driver's own counters."""
        st = self.status()
        return {
            "kind": self.kind,
            "driver": self.driver,
            "settings": {
                k: ("***" if any(s in k.lower() for s in _SECRET_KEYS) else v)
                for k, v in self.settings.items()
            },
            "status": {"health": st.health.value, "reason": st.reason, "details": dict(st.details)},
            **self.extra_diagnostics(),
        }

    def extra_diagnostics(self) -> dict[str, Any]:
        return {}
