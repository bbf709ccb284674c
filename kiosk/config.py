"""The one configuration loader: defaults.toml, overlaid by a hall's own TOML file."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.hall.hours import HoursError, OpeningHours, Ranges, parse_opening_hours, parse_ranges
from kiosk.hall.policy import QueuePolicy
from kiosk.resources import DEFAULTS_PATH


class ConfigError(ValueError):
    """A setting a technician must fix; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class HallSettings:
    name: str
    name_en: str
    timezone: str
    catalogue: str
    public_url: str
    seed_counters: bool
    opening_hours: OpeningHours
    ticket_hours: Ranges
    daily_quota: int


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str
    port: int
    db: str
    idempotency_ttl_s: int


@dataclass(frozen=True, slots=True)
class DiscoverySettings:
    enabled: bool
    interfaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DisplaySettings:
    hall_url: str
    token: str
    locale: str
    board_languages: tuple[str, ...]
    announce_languages: tuple[str, ...]
    announce_repeat: int
    notices: tuple[str, ...]
    recent_calls: int
    flash_times: int
    rating_timeout_s: int


@dataclass(frozen=True, slots=True)
class KioskSettings:
    hall_url: str
    token: str
    device_id: str
    locale: str
    outbox: str


@dataclass(frozen=True, slots=True)
class Config:
    hall: HallSettings
    queue: QueuePolicy
    server: ServerSettings
    discovery: DiscoverySettings
    display: DisplaySettings
    kiosk: KioskSettings
    devices: dict[str, dict[str, Any]]
    source: str


def _merge(defaults: dict[str, Any], given: dict[str, Any], source: str, prefix: str = "") -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in given.items():
        where = f"{prefix}{key}"
        if key not in defaults:
            raise ConfigError(f"{source}: unknown setting '{where}'")
        default = defaults[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{where}' must be a table")
            merged[key] = _merge(default, value, source, where + ".")
            continue
        # bool is an int in Python; keep them apart so `port = true` is refused.
        if type(value) is not type(default) and not (isinstance(default, float) and type(value) is int):
            raise ConfigError(
                f"{source}: '{where}' must be {type(default).__name__}, got {type(value).__name__} {value!r}"
            )
        if isinstance(default, list) and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: '{where}' must be a list of strings")
        merged[key] = value
    return merged


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _queue_policy(q: dict[str, Any], source: str) -> QueuePolicy:
    m = _HHMM.match(q["business_day_start"])
    if not m:
        raise ConfigError(
            f"{source}: 'queue.business_day_start' must be HH:MM, got {q['business_day_start']!r}"
        )
    for key in (
        "max_wait_s",
        "priority_burst",
        "max_recalls",
        "requeue_offset",
        "green_age",
        "appointment_early_s",
        "appointment_late_s",
    ):
        if q[key] < 0:
            raise ConfigError(f"{source}: 'queue.{key}' must not be negative")
    # With 0 a waiting blue would always go first, and "at most one blue between green calls" could not hold.
    if q["priority_burst"] < 1:
        raise ConfigError(f"{source}: 'queue.priority_burst' must be at least 1")
    if q["estimate_window"] < 1:
        raise ConfigError(f"{source}: 'queue.estimate_window' must be at least 1")
    return QueuePolicy(
        max_wait_s=q["max_wait_s"],
        priority_burst=q["priority_burst"],
        max_recalls=q["max_recalls"],
        requeue_offset=q["requeue_offset"],
        green_age=q["green_age"],
        day_start_minute=int(m.group(1)) * 60 + int(m.group(2)),
        appointment_early_s=q["appointment_early_s"],
        appointment_late_s=q["appointment_late_s"],
        estimate_window=q["estimate_window"],
    )


LOCALES = ("zh_CN", "en")


def _display(d: dict[str, Any], source: str) -> DisplaySettings:
    for key in ("board_languages", "announce_languages"):
        bad = [x for x in d[key] if x not in LOCALES]
        if bad or not d[key]:
            raise ConfigError(f"{source}: 'display.{key}' must list some of {', '.join(LOCALES)}")
    if d["locale"] not in LOCALES:
        raise ConfigError(f"{source}: 'display.locale' must be one of {', '.join(LOCALES)}")
    if not 1 <= d["announce_repeat"] <= 3:
        raise ConfigError(f"{source}: 'display.announce_repeat' must be 1, 2 or 3")
    if not 0 <= d["flash_times"] <= 10:
        raise ConfigError(f"{source}: 'display.flash_times' must be 0..10")
    return DisplaySettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def _kiosk(k: dict[str, Any], source: str) -> KioskSettings:
    if k["locale"] not in LOCALES:
        raise ConfigError(f"{source}: 'kiosk.locale' must be one of {', '.join(LOCALES)}")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,48}", k["device_id"]):
        raise ConfigError(f"{source}: 'kiosk.device_id' must be 1-48 letters, digits, '.', '_' or '-'")
    return KioskSettings(**k)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    with DEFAULTS_PATH.open("rb") as f:
        defaults = tomllib.load(f)
    source = str(path) if path else str(DEFAULTS_PATH)
    given: dict[str, Any] = {}
    if path:
        try:
            with open(path, "rb") as f:
                given = tomllib.load(f)
        except FileNotFoundError as exc:
            raise ConfigError(f"{source}: no such configuration file") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    # Device tables are free-form (each driver checks its own keys); a hall may name kinds of its own.
    given_devices = given.pop("devices", {})
    if not isinstance(given_devices, dict) or not all(isinstance(v, dict) for v in given_devices.values()):
        raise ConfigError(f"{source}: 'devices' must hold one table per device kind, e.g. [devices.printer]")
    devices = {kind: dict(table) for kind, table in defaults.pop("devices").items()}
    for kind, table in given_devices.items():
        default = devices.get(kind, {})
        # Naming another driver starts from that driver's own defaults, not the default driver's settings.
        same_driver = table.get("driver", default.get("driver")) == default.get("driver")
        base = default if same_driver else {}
        devices[kind] = {**base, **table}
    merged = _merge(defaults, given, source)
    hall = merged["hall"]
    try:
        ZoneInfo(hall["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{source}: 'hall.timezone' {hall['timezone']!r} is not a known time zone") from exc
    try:
        hall["opening_hours"] = parse_opening_hours(
            hall.pop("hours"), hall.pop("closed_dates"), f"{source}: 'hall.hours'"
        )
        hall["ticket_hours"] = parse_ranges(hall["ticket_hours"], f"{source}: 'hall.ticket_hours'")
    except HoursError as exc:
        raise ConfigError(str(exc)) from exc
    if not 0 <= hall["daily_quota"] <= 9999:
        raise ConfigError(f"{source}: 'hall.daily_quota' must be 0..9999 (0: no limit)")
    server = merged["server"]
    if not 0 < server["port"] < 65536:
        raise ConfigError(f"{source}: 'server.port' must be 1..65535")
    policy = _queue_policy(merged["queue"], source)
    return Config(
        hall=HallSettings(**hall),
        queue=policy,
        server=ServerSettings(**server),
        discovery=DiscoverySettings(
            enabled=merged["discovery"]["enabled"], interfaces=tuple(merged["discovery"]["interfaces"])
        ),
        display=_display(merged["display"], source),
        kiosk=_kiosk(merged["kiosk"], source),
        devices=devices,
        source=source,
    )
