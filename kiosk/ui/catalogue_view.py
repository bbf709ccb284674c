"""What the category and matter tiles show: names in the resident's language and an icon with its text.

Icons are font glyphs (DejaVu Sans covers them; the screen tests check every one renders) so the kiosk needs
no image assets; each tile also shows the name, which is the icon's text alternative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.flow.model import MatterInfo
from kiosk.hall.catalogue import Catalogue, Category, CounterGroup, Matter

CATEGORY_ICONS: Mapping[str, str] = {
    "social_insurance": "☂",
    "employment": "⚒",
    "medical_insurance": "✚",
    "social_assistance": "♥",
    "elderly_care": "☕",
    "disability": "♿",
    "residence": "✎",
    "health": "⚕",
    "veterans": "★",
    "housing": "⌂",
    "legal": "⚖",
    "enterprise": "⚙",
    "general": "ℹ",
}
DEFAULT_ICON = "●"


@dataclass(frozen=True, slots=True)
class CatalogueView:
    catalogue: Catalogue

    def matter_infos(self) -> dict[str, MatterInfo]:
        return {
            m.id: MatterInfo(id=m.id, category=m.category, id_required=m.id_required, enterprise=m.enterprise)
            for m in self.catalogue.matters
        }

    def categories(self, lang: str) -> list[dict[str, str]]:
        used = {m.category for m in self.catalogue.matters}
        return [
            {"id": c.id, "name": _pick(lang, c.name_zh, c.name_en), "icon": icon(c.id)}
            for c in self.catalogue.categories
            if c.id in used
        ]

    def matters(self, category: str | None, lang: str) -> list[dict[str, str]]:
        return [
            {"id": m.id, "name": _pick(lang, m.name_zh, m.name_en), "icon": icon(m.category)}
            for m in self.catalogue.matters
            if m.category == category
        ]

    def matter_name(self, matter_id: str | None, lang: str) -> str:
        m = self.catalogue.matter(matter_id) if matter_id else None
        return _pick(lang, m.name_zh, m.name_en) if m else ""

    def category_name(self, category: str | None, lang: str) -> str:
        c = next((c for c in self.catalogue.categories if c.id == category), None)
        return _pick(lang, c.name_zh, c.name_en) if c else ""


def icon(category: str) -> str:
    return CATEGORY_ICONS.get(category, DEFAULT_ICON)


def _pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh_CN" else en


def catalogue_from_api(data: Mapping[str, Any]) -> Catalogue:
    """The catalogue as GET /api/v1/catalogue sends it (categories holding their matters), so the kiosk
    shows exactly the matters the back office will issue tickets for."""
    groups = tuple(
        CounterGroup(str(g["id"]), str(g["name_zh"]), str(g["name_en"]))
        for g in data.get("counter_groups", ())
    )
    categories: list[Category] = []
    matters: list[Matter] = []
    for c in data.get("categories", ()):
        categories.append(Category(str(c["id"]), str(c["name_zh"]), str(c["name_en"])))
        for m in c.get("matters", ()):
            matters.append(
                Matter(
                    id=str(m["id"]),
                    category=str(m.get("category", c["id"])),
                    name_zh=str(m["name_zh"]),
                    name_en=str(m["name_en"]),
                    id_required=bool(m["id_required"]),
                    enterprise=bool(m["enterprise"]),
                    counter_group=str(m.get("counter_group", "")),
                    avg_service_s=int(m.get("avg_service_s", 0)),
                    self_service=bool(m.get("self_service", False)),
                    materials_zh=tuple(m.get("materials_zh", ())),
                    materials_en=tuple(m.get("materials_en", ())),
                    note_zh=str(m.get("note_zh", "")),
                    note_en=str(m.get("note_en", "")),
                )
            )
    return Catalogue(groups, tuple(categories), tuple(matters))
