"""The matter catalogue: which services a resident can queue for, and at which kind of window.

The catalogue is a TOML file edited by hall technicians, not programmers, so every check here
produces a message that names the file, the entry and the fix. It is validated as a whole at
start-up: a mistake must stop the hall from opening rather than mis-route tickets all day.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.hall.hours import HoursError, Ranges, format_ranges, parse_ranges
from kiosk.resources import CATALOGUE_PATH

__all__ = [
    "DEFAULT_CATALOGUE_PATH",
    "SCHEMA_VERSION",
    "Catalogue",
    "CatalogueError",
    "Category",
    "CounterGroup",
    "Matter",
    "load_catalogue",
    "parse_catalogue",
]

SCHEMA_VERSION = 1

DEFAULT_CATALOGUE_PATH: Path = CATALOGUE_PATH

# Ids end up in URLs, database rows and log lines, so keep them to a boring alphabet.
_ID_RE = re.compile(r"[a-z0-9_]+")

# Longer than four hours is certainly a typo (seconds entered as minutes) and would wreck the
# wait estimates shown to residents.
_MAX_SERVICE_MIN = 240


class CatalogueError(ValueError):
    """The catalogue file is unreadable or breaks a rule; the message is meant for a technician."""


@dataclass(frozen=True, slots=True)
class CounterGroup:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Matter:
    id: str
    category: str
    name_zh: str
    name_en: str
    id_required: bool
    enterprise: bool
    counter_group: str
    avg_service_s: int
    self_service: bool
    materials_zh: tuple[str, ...]
    materials_en: tuple[str, ...]
    note_zh: str
    note_en: str
    # 取号时间段 and 每日限号: None means the hall-wide default of config [hall].
    ticket_hours: Ranges | None = None
    daily_quota: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "id_required": self.id_required,
            "enterprise": self.enterprise,
            "counter_group": self.counter_group,
            "avg_service_s": self.avg_service_s,
            "self_service": self.self_service,
            "materials_zh": list(self.materials_zh),
            "materials_en": list(self.materials_en),
            "note_zh": self.note_zh,
            "note_en": self.note_en,
        }
        # Left out as in the file, so a catalogue written back from this reads the same.
        if self.ticket_hours is not None:
            out["ticket_hours"] = format_ranges(self.ticket_hours)
        if self.daily_quota is not None:
            out["daily_quota"] = self.daily_quota
        return out


@dataclass(frozen=True, slots=True)
class Catalogue:
    counter_groups: tuple[CounterGroup, ...]
    categories: tuple[Category, ...]
    matters: tuple[Matter, ...]

    # A hall has a few dozen matters: a linear scan is cheaper to keep correct than an index on a
    # frozen, slotted class.
    def matter(self, matter_id: str) -> Matter | None:
        for m in self.matters:
            if m.id == matter_id:
                return m
        return None

    def group_matters(self, group_id: str) -> tuple[Matter, ...]:
        return tuple(m for m in self.matters if m.counter_group == group_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counter_groups": [
                {"id": g.id, "name_zh": g.name_zh, "name_en": g.name_en} for g in self.counter_groups
            ],
            "categories": [
                {
                    "id": c.id,
                    "name_zh": c.name_zh,
                    "name_en": c.name_en,
                    "matters": [m.to_dict() for m in self.matters if m.category == c.id],
                }
                for c in self.categories
            ],
        }


# --- validation ---------------------------------------------------------------------------------

# Field kinds: what a value must look like. Kept as data so the three tables share one checker
# and the allowed keys, the required keys and the type rules cannot drift apart.
_ID, _NAME, _TEXT, _BOOL, _MINUTES, _TEXTS = "id", "name", "text", "bool", "minutes", "texts"
_COUNT = "count"
# A quota larger than this is a typo: no hall serves ten thousand residents of one matter a day.
_MAX_QUOTA = 9999

_NAMED_FIELDS: dict[str, tuple[str, bool]] = {
    "id": (_ID, True),
    "name_zh": (_NAME, True),
    "name_en": (_NAME, True),
}

_MATTER_FIELDS: dict[str, tuple[str, bool]] = {
    "id": (_ID, True),
    "category": (_ID, True),
    "name_zh": (_NAME, True),
    "name_en": (_NAME, True),
    "id_required": (_BOOL, True),
    "enterprise": (_BOOL, True),
    "counter_group": (_ID, True),
    "avg_service_min": (_MINUTES, True),
    "self_service": (_BOOL, True),
    "materials_zh": (_TEXTS, True),
    "materials_en": (_TEXTS, True),
    # Most matters need no extra guidance, so notes may be left out.
    "note_zh": (_TEXT, False),
    "note_en": (_TEXT, False),
    # Left out, the hall-wide defaults of config [hall] apply.
    "ticket_hours": (_TEXTS, False),
    "daily_quota": (_COUNT, False),
}

_TOP_KEYS = ("schema", "counter_group", "category", "matter")


def _did_you_mean(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Entry:
    """One [[table]] entry being checked; knows how to name itself in an error."""

    __slots__ = ("index", "raw", "source", "table")

    def __init__(self, source: str, table: str, index: int, raw: object) -> None:
        self.source = source
        self.table = table
        self.index = index  # 1-based, as a technician counts entries in the file
        self.raw = raw

    def label(self) -> str:
        where = f"[[{self.table}]] #{self.index}"
        ident = self.raw.get("id") if isinstance(self.raw, Mapping) else None
        if isinstance(ident, str) and ident:
            return f"{self.table} {ident!r} ({where})"
        return where

    def error(self, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.source}: {self.label()}: {problem}")

    def check(self, fields: Mapping[str, tuple[str, bool]]) -> dict[str, Any]:
        raw = self.raw
        if not isinstance(raw, Mapping):
            raise self.error(f"must be a table of key = value lines, not {_describe(raw)}")
        for key in raw:
            if key not in fields:
                allowed = ", ".join(fields)
                raise self.error(
                    f"unknown key {key!r}{_did_you_mean(str(key), list(fields))}; allowed keys: {allowed}"
                )
        for key, (_, required) in fields.items():
            if required and key not in raw:
                raise self.error(f"missing required key {key!r}")
        return {key: self._value(key, kind, raw[key]) for key, (kind, _) in fields.items() if key in raw}

    def _value(self, key: str, kind: str, value: object) -> Any:
        if kind == _BOOL:
            if not isinstance(value, bool):
                raise self.error(f"{key} must be true or false, not {_describe(value)}")
            return value
        if kind == _MINUTES:
            # bool is an int subclass; `true` must not pass as one minute.
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.error(f"{key} must be a whole number of minutes, not {_describe(value)}")
            if not 1 <= value <= _MAX_SERVICE_MIN:
                raise self.error(f"{key} must be between 1 and {_MAX_SERVICE_MIN} minutes, not {value}")
            return value
        if kind == _COUNT:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_QUOTA:
                raise self.error(
                    f"{key} must be a whole number 0..{_MAX_QUOTA} (0: no limit), not {_describe(value)}"
                )
            return value
        if kind == _TEXTS:
            if isinstance(value, str | bytes) or not isinstance(value, Sequence):
                raise self.error(f'{key} must be a list of texts like ["..."], not {_describe(value)}')
            for n, item in enumerate(value, start=1):
                if not isinstance(item, str) or not item.strip():
                    raise self.error(f"{key} item {n} must be non-empty text, not {_describe(item)}")
            return tuple(value)
        if not isinstance(value, str):
            raise self.error(f"{key} must be text in quotes, not {_describe(value)}")
        if kind == _ID and not _ID_RE.fullmatch(value):
            raise self.error(f"{key} {value!r} may only use lowercase letters a-z, digits 0-9 and underscore")
        if kind == _NAME and not value.strip():
            raise self.error(f"{key} must not be empty")
        return value


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, Sequence):
        return "a list"
    return f"a {type(value).__name__}"


def _entries(data: Mapping[str, Any], source: str, table: str) -> list[_Entry]:
    raw = data.get(table)
    if raw is None or (isinstance(raw, Sequence) and not isinstance(raw, str | bytes) and not raw):
        raise CatalogueError(f"{source}: no [[{table}]] entries; at least one is required")
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise CatalogueError(
            f"{source}: {table!r} must be a list of [[{table}]] entries, not {_describe(raw)}"
        )
    return [_Entry(source, table, n, item) for n, item in enumerate(raw, start=1)]


def _unique(entries: Sequence[_Entry], values: Sequence[Mapping[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for entry, value in zip(entries, values, strict=True):
        ident = value["id"]
        if ident in seen:
            raise entry.error(f"id {ident!r} is already used by [[{entry.table}]] #{seen[ident]}")
        seen[ident] = entry.index


def parse_catalogue(data: Mapping[str, Any], source: str = "<catalogue>") -> Catalogue:
    """Validate an already-decoded catalogue document and build the immutable catalogue."""
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{source}: the catalogue must be a TOML document, not {_describe(data)}")
    for key in data:
        if key not in _TOP_KEYS:
            raise CatalogueError(
                f"{source}: unknown top-level key {key!r}{_did_you_mean(str(key), _TOP_KEYS)}; "
                f"allowed: {', '.join(_TOP_KEYS)}"
            )
    if "schema" not in data:
        raise CatalogueError(f"{source}: missing 'schema = {SCHEMA_VERSION}' at the top of the file")
    schema = data["schema"]
    if isinstance(schema, bool) or schema != SCHEMA_VERSION:
        raise CatalogueError(
            f"{source}: schema is {schema!r}, but this software reads schema {SCHEMA_VERSION} only"
        )

    group_entries = _entries(data, source, "counter_group")
    group_values = [e.check(_NAMED_FIELDS) for e in group_entries]
    _unique(group_entries, group_values)

    category_entries = _entries(data, source, "category")
    category_values = [e.check(_NAMED_FIELDS) for e in category_entries]
    _unique(category_entries, category_values)

    matter_entries = _entries(data, source, "matter")
    matter_values = [e.check(_MATTER_FIELDS) for e in matter_entries]
    _unique(matter_entries, matter_values)

    group_ids = {v["id"] for v in group_values}
    category_ids = {v["id"] for v in category_values}
    matters: list[Matter] = []
    for entry, v in zip(matter_entries, matter_values, strict=True):
        if v["category"] not in category_ids:
            raise entry.error(f"category {v['category']!r} is not defined by any [[category]]")
        if v["counter_group"] not in group_ids:
            raise entry.error(f"counter_group {v['counter_group']!r} is not defined by any [[counter_group]]")
        # The two lists are printed side by side on bilingual tickets, item by item.
        if len(v["materials_zh"]) != len(v["materials_en"]):
            raise entry.error(
                f"materials_zh has {len(v['materials_zh'])} items but materials_en has "
                f"{len(v['materials_en'])}; they must match one for one"
            )
        ticket_hours = None
        if "ticket_hours" in v:
            try:
                ticket_hours = parse_ranges(v["ticket_hours"], "ticket_hours")
            except HoursError as exc:
                raise entry.error(str(exc)) from exc
        matters.append(
            Matter(
                id=v["id"],
                category=v["category"],
                name_zh=v["name_zh"],
                name_en=v["name_en"],
                id_required=v["id_required"],
                enterprise=v["enterprise"],
                counter_group=v["counter_group"],
                avg_service_s=v["avg_service_min"] * 60,
                self_service=v["self_service"],
                materials_zh=v["materials_zh"],
                materials_en=v["materials_en"],
                note_zh=v.get("note_zh", ""),
                note_en=v.get("note_en", ""),
                ticket_hours=ticket_hours,
                daily_quota=v.get("daily_quota"),
            )
        )

    return Catalogue(
        counter_groups=tuple(CounterGroup(v["id"], v["name_zh"], v["name_en"]) for v in group_values),
        categories=tuple(Category(v["id"], v["name_zh"], v["name_en"]) for v in category_values),
        matters=tuple(matters),
    )


def load_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Read and validate a catalogue file; any problem is reported as CatalogueError."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise CatalogueError(f"{source}: cannot read the catalogue file: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already carries the line and column.
        raise CatalogueError(f"{source}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{source}: the file must be saved as UTF-8: {exc}") from exc
    return parse_catalogue(data, source)
