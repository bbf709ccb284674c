"""Tests for the matter catalogue: the shipped file and every validation rule of the loader."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.hall.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    Catalogue,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
SRC = "test.toml"


def _is_plain_english(text: str) -> bool:
    # English text is printed by thermal printers with ASCII-only fonts on some models.
    return text.isascii() and text.isprintable()


def _matter(**overrides: Any) -> dict[str, Any]:
    m: dict[str, Any] = {
        "id": "pension_enrol",
        "category": "social_insurance",
        "name_zh": "城乡居民基本养老保险参保登记",
        "name_en": "Residents' basic pension: enrolment",
        "id_required": True,
        "enterprise": False,
        "counter_group": "social",
        "avg_service_min": 8,
        "self_service": False,
        "materials_zh": ["本人居民身份证原件", "户口簿"],
        "materials_en": ["Original resident ID card", "Household register"],
        "note_zh": "",
        "note_en": "",
    }
    m.update(overrides)
    return m


def _doc() -> dict[str, Any]:
    """A small valid document; tests break exactly one thing in it."""
    return {
        "schema": 1,
        "counter_group": [
            {"id": "social", "name_zh": "人社医保窗口", "name_en": "Social & medical insurance"},
            {"id": "general", "name_zh": "综合咨询窗口", "name_en": "General enquiries"},
        ],
        "category": [
            {"id": "social_insurance", "name_zh": "社会保险", "name_en": "Social insurance"},
            {"id": "general", "name_zh": "综合服务", "name_en": "General services"},
        ],
        "matter": [
            _matter(),
            _matter(
                id="general_consult",
                category="general",
                name_zh="办事咨询",
                name_en="General enquiries",
                id_required=False,
                counter_group="general",
                avg_service_min=5,
                materials_zh=[],
                materials_en=[],
            ),
        ],
    }


def _fails(doc: Any, *fragments: str) -> str:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(doc, SRC)
    msg = str(info.value)
    assert msg.startswith(f"{SRC}: "), msg
    for fragment in fragments:
        assert fragment in msg, f"{fragment!r} not in {msg!r}"
    return msg


# --- the shipped catalogue ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(DEFAULT_CATALOGUE_PATH)


def test_default_path_points_at_repo_asset() -> None:
    expected = Path(__file__).resolve().parents[1] / "assets" / "catalogue.toml"
    assert expected == DEFAULT_CATALOGUE_PATH
    assert DEFAULT_CATALOGUE_PATH.is_file()


def test_shipped_catalogue_size(shipped: Catalogue) -> None:
    assert len(shipped.matters) >= 36
    assert sum(m.enterprise for m in shipped.matters) >= 5
    assert 7 <= len(shipped.counter_groups) <= 9


def test_shipped_ids_unique(shipped: Catalogue) -> None:
    for items in (shipped.matters, shipped.categories, shipped.counter_groups):
        counts = Counter(i.id for i in items)
        assert [i for i, n in counts.items() if n > 1] == []


def test_shipped_every_category_and_group_used(shipped: Catalogue) -> None:
    # An empty category would be a dead button on the kiosk; an unused group a window with no work.
    assert {c.id for c in shipped.categories} == {m.category for m in shipped.matters}
    for g in shipped.counter_groups:
        assert shipped.group_matters(g.id), g.id


def test_shipped_names_are_bilingual(shipped: Catalogue) -> None:
    for item in (*shipped.matters, *shipped.categories, *shipped.counter_groups):
        assert CJK.search(item.name_zh), item.id
        assert _is_plain_english(item.name_en), item.id


def test_shipped_matter_texts(shipped: Catalogue) -> None:
    for m in shipped.matters:
        assert len(m.materials_zh) == len(m.materials_en), m.id
        assert all(CJK.search(s) for s in m.materials_zh), m.id
        assert all(_is_plain_english(s) for s in (*m.materials_en, m.note_en)), m.id
        assert bool(m.note_zh) == bool(m.note_en), m.id
        assert 60 <= m.avg_service_s <= 240 * 60


def test_shipped_consultations_need_no_id(shipped: Catalogue) -> None:
    for m in shipped.matters:
        if "咨询" in m.name_zh:
            assert not m.id_required, m.id
            assert m.materials_zh == (), m.id
        elif m.id_required:
            # Anything touching a person's records tells them to bring an ID document.
            assert any("身份证" in s or "社会保障卡" in s for s in m.materials_zh), m.id


def test_shipped_enterprise_matters_go_to_enterprise_windows(shipped: Catalogue) -> None:
    enterprise = [m for m in shipped.matters if m.enterprise]
    assert {m.counter_group for m in enterprise} == {"enterprise"}
    assert shipped.group_matters("enterprise") == tuple(enterprise)


def test_lookup_and_group(shipped: Catalogue) -> None:
    m = shipped.matter("pension_enrol")
    assert m is not None and m.counter_group == "social" and m.avg_service_s == 8 * 60
    assert shipped.matter("no_such_matter") is None
    assert shipped.group_matters("no_such_group") == ()
    assert all(m.counter_group == "social" for m in shipped.group_matters("social"))


def test_to_dict_is_json_ready(shipped: Catalogue) -> None:
    d = shipped.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert [c["id"] for c in d["categories"]] == [c.id for c in shipped.categories]
    assert sum(len(c["matters"]) for c in d["categories"]) == len(shipped.matters)
    first = d["categories"][0]["matters"][0]
    assert isinstance(first["materials_zh"], list)
    assert first["avg_service_s"] == shipped.matters[0].avg_service_s


# --- parsing a valid document -------------------------------------------------------------------


def test_parse_valid_document() -> None:
    cat = parse_catalogue(_doc(), SRC)
    assert [m.id for m in cat.matters] == ["pension_enrol", "general_consult"]
    m = cat.matters[0]
    assert m.avg_service_s == 480
    assert m.materials_zh == ("本人居民身份证原件", "户口簿")
    assert isinstance(m.materials_en, tuple)


def test_notes_are_optional() -> None:
    doc = _doc()
    del doc["matter"][0]["note_zh"]
    del doc["matter"][0]["note_en"]
    m = parse_catalogue(doc, SRC).matters[0]
    assert (m.note_zh, m.note_en) == ("", "")


def test_ticket_hours_and_quota_are_optional_and_parsed() -> None:
    doc = _doc()
    doc["matter"][0]["ticket_hours"] = ["13:30-16:30", "08:30-11:30"]
    doc["matter"][0]["daily_quota"] = 40
    cat = parse_catalogue(doc, SRC)
    m = cat.matters[0]
    assert (m.ticket_hours, m.daily_quota) == (((510, 690), (810, 990)), 40)
    assert m.to_dict()["ticket_hours"] == ["08:30-11:30", "13:30-16:30"]
    # Left out: the hall-wide defaults of config [hall] apply, which the catalogue does not know.
    other = cat.matters[1]
    assert (other.ticket_hours, other.daily_quota) == (None, None)
    assert "ticket_hours" not in other.to_dict() and "daily_quota" not in other.to_dict()


def test_matters_keep_file_order() -> None:
    doc = _doc()
    doc["matter"].reverse()
    assert [m.id for m in parse_catalogue(doc, SRC).matters] == ["general_consult", "pension_enrol"]


@pytest.mark.parametrize("minutes", [1, 240])
def test_service_minutes_bounds_accepted(minutes: int) -> None:
    doc = _doc()
    doc["matter"][0]["avg_service_min"] = minutes
    assert parse_catalogue(doc, SRC).matters[0].avg_service_s == minutes * 60


# --- one test per validation rule ---------------------------------------------------------------


@pytest.mark.parametrize("schema", [0, 2, "1", True, 1.5])
def test_rule_schema_must_be_1(schema: object) -> None:
    doc = _doc()
    doc["schema"] = schema
    _fails(doc, "schema")


def test_rule_schema_required() -> None:
    doc = _doc()
    del doc["schema"]
    _fails(doc, "schema = 1")


def test_rule_document_must_be_a_table() -> None:
    _fails(["schema", 1], "TOML document")  # type: ignore[arg-type]


def test_rule_unknown_top_level_key() -> None:
    doc = _doc()
    doc["matters"] = []
    _fails(doc, "unknown top-level key 'matters'", "did you mean 'matter'")


def test_rule_unknown_matter_key() -> None:
    doc = _doc()
    doc["matter"][1]["avg_service_mins"] = 5
    _fails(doc, "matter 'general_consult' ([[matter]] #2)", "'avg_service_mins'", "'avg_service_min'")


@pytest.mark.parametrize("table", ["counter_group", "category"])
def test_rule_unknown_named_key(table: str) -> None:
    doc = _doc()
    doc[table][1]["name_fr"] = "x"
    _fails(doc, f"[[{table}]] #2", "unknown key 'name_fr'")


@pytest.mark.parametrize(
    "key",
    [
        "id",
        "category",
        "name_zh",
        "name_en",
        "id_required",
        "enterprise",
        "counter_group",
        "avg_service_min",
        "self_service",
        "materials_zh",
        "materials_en",
    ],
)
def test_rule_matter_required_keys(key: str) -> None:
    doc = _doc()
    del doc["matter"][1][key]
    # Without an id the entry can only be named by its position.
    label = "[[matter]] #2" if key == "id" else "matter 'general_consult' ([[matter]] #2)"
    _fails(doc, label, f"missing required key {key!r}")


@pytest.mark.parametrize("table", ["counter_group", "category"])
@pytest.mark.parametrize("key", ["id", "name_zh", "name_en"])
def test_rule_named_required_keys(table: str, key: str) -> None:
    doc = _doc()
    del doc[table][0][key]
    _fails(doc, f"[[{table}]] #1", f"missing required key {key!r}")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("id_required", "yes", "true or false"),
        ("enterprise", 1, "true or false"),
        ("self_service", "false", "true or false"),
        ("avg_service_min", "8", "whole number"),
        ("avg_service_min", 8.5, "whole number"),
        ("avg_service_min", True, "whole number"),
        ("name_zh", 12, "text"),
        ("note_en", ["x"], "text"),
        ("materials_zh", "本人居民身份证原件", "list of texts"),
        ("materials_en", [1, 2], "non-empty text"),
        ("materials_en", ["ok", " "], "item 2"),
        ("name_en", "   ", "must not be empty"),
        ("daily_quota", -1, "0..9999"),
        ("daily_quota", 10000, "0..9999"),
        ("daily_quota", True, "0..9999"),
        ("daily_quota", "50", "0..9999"),
        ("ticket_hours", "08:30-11:30", "list of texts"),
        ("ticket_hours", ["8:30-11:30"], "HH:MM-HH:MM"),
        ("ticket_hours", ["11:30-08:30"], "must end after it starts"),
        ("ticket_hours", ["08:30-11:30", "11:00-12:00"], "overlap"),
    ],
)
def test_rule_matter_value_types(key: str, value: object, expected: str) -> None:
    doc = _doc()
    doc["matter"][0][key] = value
    _fails(doc, "matter 'pension_enrol' ([[matter]] #1)", key, expected)


@pytest.mark.parametrize("table", ["counter_group", "category", "matter"])
@pytest.mark.parametrize("bad_id", ["Pension", "pension-enrol", "养老", "", "a b", "x\n", 7])
def test_rule_id_pattern(table: str, bad_id: object) -> None:
    doc = _doc()
    doc[table][1]["id"] = bad_id
    _fails(doc, f"[[{table}]] #2", "id")


@pytest.mark.parametrize("table", ["counter_group", "category", "matter"])
def test_rule_ids_unique_per_kind(table: str) -> None:
    doc = _doc()
    doc[table][1]["id"] = doc[table][0]["id"]
    if table == "matter":
        doc["matter"][1]["category"] = "social_insurance"  # keep the rest valid
    dup = doc[table][0]["id"]
    _fails(doc, f"{table} {dup!r} ([[{table}]] #2)", f"already used by [[{table}]] #1")


def test_rule_same_id_allowed_across_kinds() -> None:
    # "general" is both a category and a counter group in _doc(): different namespaces.
    cat = parse_catalogue(_doc(), SRC)
    assert cat.categories[1].id == cat.counter_groups[1].id == "general"


def test_rule_matter_category_must_exist() -> None:
    doc = _doc()
    doc["matter"][0]["category"] = "housing"
    _fails(doc, "matter 'pension_enrol'", "category 'housing' is not defined")


def test_rule_matter_counter_group_must_exist() -> None:
    doc = _doc()
    doc["matter"][1]["counter_group"] = "veterans"
    _fails(doc, "matter 'general_consult'", "counter_group 'veterans' is not defined")


def test_rule_materials_lists_same_length() -> None:
    doc = _doc()
    doc["matter"][0]["materials_en"] = ["Original resident ID card"]
    _fails(doc, "matter 'pension_enrol' ([[matter]] #1)", "materials_zh has 2 items", "materials_en has 1")


@pytest.mark.parametrize("minutes", [0, -5, 241, 10_000])
def test_rule_service_minutes_range(minutes: int) -> None:
    doc = _doc()
    doc["matter"][0]["avg_service_min"] = minutes
    _fails(doc, "matter 'pension_enrol'", "between 1 and 240", str(minutes))


@pytest.mark.parametrize("table", ["counter_group", "category", "matter"])
def test_rule_at_least_one_entry(table: str) -> None:
    doc = _doc()
    doc[table] = []
    _fails(doc, f"no [[{table}]] entries")
    del doc[table]
    _fails(doc, f"no [[{table}]] entries")


@pytest.mark.parametrize("value", [{"id": "x"}, "matter", 3])
def test_rule_entries_must_be_an_array_of_tables(value: object) -> None:
    doc = _doc()
    doc["matter"] = value
    _fails(doc, "'matter' must be a list of [[matter]] entries")


def test_rule_entry_must_be_a_table() -> None:
    doc = _doc()
    doc["matter"][1] = "general_consult"
    _fails(doc, "[[matter]] #2", "must be a table")


# --- loading files ------------------------------------------------------------------------------


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(CatalogueError, match=re.escape(str(path))):
        load_catalogue(path)


def test_load_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('schema = 1\n[[matter]]\nid = "x\n', encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(str(path))
    assert str(path) in str(info.value) and "line 3" in str(info.value)


def test_load_validation_error_names_file(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    text = DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        'counter_group = "veterans"', 'counter_group = "veteran"', 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert str(info.value).startswith(f"{path}: matter ")
    assert "counter_group 'veteran' is not defined" in str(info.value)


# --- properties ---------------------------------------------------------------------------------

_ids = st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True)
_zh = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12)
_en = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1).filter(
    lambda s: bool(s.strip())
)


def _named(ids: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.tuples(*[st.fixed_dictionaries({"name_zh": _zh, "name_en": _en}) for _ in ids]).map(
        lambda names: [{"id": i, **n} for i, n in zip(ids, names, strict=True)]
    )


@st.composite
def valid_docs(draw: st.DrawFn) -> dict[str, Any]:
    group_ids = draw(st.lists(_ids, min_size=1, max_size=4, unique=True))
    category_ids = draw(st.lists(_ids, min_size=1, max_size=4, unique=True))
    matter_ids = draw(st.lists(_ids, min_size=1, max_size=8, unique=True))
    matters = []
    for mid in matter_ids:
        n = draw(st.integers(0, 4))
        m = {
            "id": mid,
            "category": draw(st.sampled_from(category_ids)),
            "name_zh": draw(_zh),
            "name_en": draw(_en),
            "id_required": draw(st.booleans()),
            "enterprise": draw(st.booleans()),
            "counter_group": draw(st.sampled_from(group_ids)),
            "avg_service_min": draw(st.integers(1, 240)),
            "self_service": draw(st.booleans()),
            "materials_zh": draw(st.lists(_zh, min_size=n, max_size=n)),
            "materials_en": draw(st.lists(_en, min_size=n, max_size=n)),
        }
        if draw(st.booleans()):
            m["note_zh"] = draw(st.text(max_size=10))
            m["note_en"] = draw(st.text(max_size=10))
        if draw(st.booleans()):
            m["daily_quota"] = draw(st.integers(0, 9999))
            start = draw(st.integers(0, 23 * 60))
            end = draw(st.integers(start + 1, 24 * 60))
            m["ticket_hours"] = [f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"]
        matters.append(m)
    return {
        "schema": 1,
        "counter_group": draw(_named(group_ids)),
        "category": draw(_named(category_ids)),
        "matter": matters,
    }


def _doc_from_dict(d: dict[str, Any]) -> dict[str, Any]:
    """Turn to_dict() output back into the file's shape, to prove nothing is lost on the way."""
    matters = []
    for c in d["categories"]:
        for m in c["matters"]:
            m = dict(m)
            m["avg_service_min"] = m.pop("avg_service_s") // 60
            matters.append(m)
    return {
        "schema": 1,
        "counter_group": d["counter_groups"],
        "category": [{k: v for k, v in c.items() if k != "matters"} for c in d["categories"]],
        "matter": matters,
    }


@given(valid_docs())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_property_valid_catalogue_round_trips(doc: dict[str, Any]) -> None:
    cat = parse_catalogue(doc)
    assert [m.id for m in cat.matters] == [m["id"] for m in doc["matter"]]
    d = json.loads(json.dumps(cat.to_dict()))
    again = parse_catalogue(_doc_from_dict(d))
    # to_dict groups matters by category, so compare as sets; everything else keeps its order.
    assert again.counter_groups == cat.counter_groups
    assert again.categories == cat.categories
    assert set(again.matters) == set(cat.matters)
    for m in cat.matters:
        assert cat.matter(m.id) == m
        assert m in cat.group_matters(m.counter_group)


_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.one_of(st.integers(), st.text(max_size=4)), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@st.composite
def mutated_docs(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(draw(valid_docs()))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "counter_group", "category", "matter"]))
        if where == "top":
            target: Any = doc
        else:
            if not isinstance(doc.get(where), list) or not doc[where]:
                continue
            target = doc[where][draw(st.integers(0, len(doc[where]) - 1))]
            if not isinstance(target, dict):
                continue
        action = draw(st.sampled_from(["delete", "replace", "add"]))
        keys = sorted(target)
        if action == "add" or not keys:
            target[draw(st.text(min_size=1, max_size=6))] = draw(_junk)
        elif action == "delete":
            del target[draw(st.sampled_from(keys))]
        else:
            target[draw(st.sampled_from(keys))] = draw(_junk)
    return doc


@given(mutated_docs())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_property_mutations_only_raise_catalogue_error(doc: dict[str, Any]) -> None:
    try:
        cat = parse_catalogue(doc, SRC)
    except CatalogueError as exc:
        assert str(exc).startswith(f"{SRC}: ")
    else:
        # Whatever survived the mutation must still be a self-consistent catalogue.
        groups = {g.id for g in cat.counter_groups}
        categories = {c.id for c in cat.categories}
        assert all(m.counter_group in groups and m.category in categories for m in cat.matters)
        json.dumps(cat.to_dict())
