"""The one driver registry: drivers are Python entry points in the group `hall.drivers`.

An entry point is named `<kind>.<driver>` (e.g. `idcard.sam-serial`) and points at a Driver subclass, so a
vendor ships another reader or printer as a separate package without touching this one. The
configuration's `[devices.<kind>]` table names the driver and carries its settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from drivers.base import Driver, SettingsError

GROUP = "hall.drivers"


def available() -> dict[str, list[str]]:
    """Installed drivers by kind."""
    out: dict[str, list[str]] = {}
    for ep in entry_points(group=GROUP):
        kind, _, name = ep.name.partition(".")
        out.setdefault(kind, []).append(name)
    return {k: sorted(v) for k, v in sorted(out.items())}


def load(kind: str, name: str) -> type[Driver]:
    matches = [ep for ep in entry_points(group=GROUP) if ep.name == f"{kind}.{name}"]
    if not matches:
        known = ", ".join(available().get(kind, [])) or "none installed"
        raise SettingsError(
            f"devices.{kind}.driver = {name!r} is not an installed driver (available: {known})"
        )
    cls = matches[0].load()
    if not (isinstance(cls, type) and issubclass(cls, Driver)):
        raise SettingsError(f"entry point {kind}.{name} is not a Driver subclass")
    return cls


def create(kind: str, settings: Mapping[str, Any]) -> Driver:
    """The driver a `[devices.<kind>]` table asks for, constructed with that table's settings."""
    name = settings.get("driver")
    if not isinstance(name, str) or not name:
        raise SettingsError(
            f"devices.{kind}.driver must name a driver (available: "
            f"{', '.join(available().get(kind, [])) or 'none installed'})"
        )
    return load(kind, name)({k: v for k, v in settings.items() if k != "driver"})
