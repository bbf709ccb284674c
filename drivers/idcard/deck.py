"""The simulator's cards: load deck.toml and build each card's text block as a real card stores it (§5)."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DECK = Path(__file__).with_name("deck.toml")
TYPES = ("resident", "hmt_permit", "foreign_2017", "foreign_2023")
FLAGS = {"resident": " ", "hmt_permit": "J", "foreign_2017": "I", "foreign_2023": "Y"}


@dataclass(frozen=True)
class DeckCard:
    id: str
    type: str
    fields: dict[str, str]
    new_address: str = ""
    fingerprint_size: int = 0
    photo: bytes = field(default=b"", repr=False)

    def text_block(self) -> bytes:
        return _LAYOUTS[self.type](self.fields)

    def fingerprint(self) -> bytes:
        return _filler(f"fp:{self.id}", self.fingerprint_size)


def _filler(seed: str, n: int) -> bytes:
    return hashlib.shake_256(seed.encode()).digest(n) if n else b""


class _Block:
    def __init__(self) -> None:
        self.data = bytearray(" ".encode("utf-16-le") * 128)

    def put(self, off: int, size: int, value: str, name: str) -> None:
        raw = value.encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{name} {value!r} does not fit in {size // 2} characters")
        self.data[off : off + len(raw)] = raw


def _resident(f: dict[str, str], flag: str = " ") -> bytes:
    b = _Block()
    b.put(0, 30, f["name"], "name")
    b.put(30, 2, f["gender"], "gender")
    if flag == " ":
        b.put(32, 4, f["nation"], "nation")
    b.put(36, 16, f["birth"], "birth")
    b.put(52, 70, f["address"], "address")
    b.put(122, 36, f["number"], "number")
    b.put(158, 30, f["issuer"], "issuer")
    b.put(188, 16, f["valid_from"], "valid_from")
    b.put(204, 16, f["valid_to"], "valid_to")
    if flag == "J":
        b.put(220, 18, f["travel_permit"], "travel_permit")
        b.put(238, 4, f["issue_count"], "issue_count")
        b.put(248, 2, "J", "flag")
    return bytes(b.data)


def _hmt(f: dict[str, str]) -> bytes:
    return _resident(f, "J")


def _foreign_2017(f: dict[str, str]) -> bytes:
    b = _Block()
    b.put(0, 120, f["name_en"], "name_en")
    b.put(120, 2, f["gender"], "gender")
    b.put(122, 30, f["number"], "number")
    b.put(152, 6, f["nationality"], "nationality")
    b.put(158, 30, f.get("name", ""), "name")
    b.put(188, 16, f["valid_from"], "valid_from")
    b.put(204, 16, f["valid_to"], "valid_to")
    b.put(220, 16, f["birth"], "birth")
    b.put(236, 4, f["card_version"], "card_version")
    b.put(240, 8, f["authority_code"], "authority_code")
    b.put(248, 2, "I", "flag")
    return bytes(b.data)


def _foreign_2023(f: dict[str, str]) -> bytes:
    b = _Block()
    name_en = f["name_en"]
    if len(name_en) > 46:
        raise ValueError(f"name_en {name_en!r} does not fit in 46 characters")
    b.put(0, 30, f["name"], "name")
    b.put(30, 2, f["gender"], "gender")
    b.put(32, 4, f.get("renewal_count", ""), "renewal_count")
    b.put(36, 16, f["birth"], "birth")
    b.put(52, 70, name_en[:35], "name_en")
    b.put(122, 36, f["number"], "number")
    b.put(188, 16, f["valid_from"], "valid_from")
    b.put(204, 16, f["valid_to"], "valid_to")
    b.put(220, 22, name_en[35:], "name_en")
    b.put(242, 6, f["nationality"], "nationality")
    b.put(248, 2, "Y", "flag")
    b.put(250, 6, f.get("previous_link", ""), "previous_link")
    return bytes(b.data)


_LAYOUTS = {
    "resident": _resident,
    "hmt_permit": _hmt,
    "foreign_2017": _foreign_2017,
    "foreign_2023": _foreign_2023,
}


def load_deck(path: Path = DEFAULT_DECK) -> dict[str, DeckCard]:
    doc: dict[str, Any] = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    deck: dict[str, DeckCard] = {}
    for entry in doc.get("card", []):
        card_id = str(entry.get("id", ""))
        if not card_id or card_id in deck:
            raise ValueError(f"{path}: every card needs a unique id (got {card_id!r})")
        kind = entry.get("type")
        if kind not in TYPES:
            raise ValueError(f"{path}: card {card_id}: type must be one of {', '.join(TYPES)}")
        special = {"id", "type", "new_address", "fingerprint_size", "photo_file"}
        fields = {k: str(v) for k, v in entry.items() if k not in special}
        photo_file = entry.get("photo_file")
        photo = (
            (Path(path).parent / photo_file).read_bytes() if photo_file else _filler(f"wlt:{card_id}", 1024)
        )
        card = DeckCard(
            id=card_id,
            type=kind,
            fields=fields,
            new_address=str(entry.get("new_address", "")),
            fingerprint_size=int(entry.get("fingerprint_size", 0)),
            photo=photo,
        )
        try:
            card.text_block()
        except KeyError as exc:
            raise ValueError(f"{path}: card {card_id} lacks {exc.args[0]}") from None
        except ValueError as exc:
            raise ValueError(f"{path}: card {card_id}: {exc}") from None
        deck[card_id] = card
    if not deck:
        raise ValueError(f"{path}: no [[card]] entries")
    return deck
