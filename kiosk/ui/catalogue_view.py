"""What the category and matter tiles show: names in the resident's language and an icon with its text.

Icons are font glyphs (DejaVu Sans covers them; the screen tests check every one renders) so the kiosk needs
no image assets; each tile also shows the name, which is the icon's text alternative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.flow.model import MatterInfo
from kiosk.hall.catalogue import Catalogue

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
