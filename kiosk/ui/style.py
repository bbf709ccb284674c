"""The `Theme` singleton of the kiosk's QML (import KioskStyle): the current mode's sizes and colours.

Registered once at import (a per-test `qmlRegisterSingletonInstance` breaks the next engine in the process);
each engine makes its own instance. Main.qml binds `elder` to the view-model and `portrait` to the window's
shape, and every screen reads its sizes and colours from here, so switching to elder mode is one property.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Property, QObject, Signal
from PySide6.QtQml import QmlElement, QmlSingleton

from kiosk.ui.theme import FONTS, Mode, mode, ticket_colours
from queue_display.qtapp import emit

QML_IMPORT_NAME = "KioskStyle"
QML_IMPORT_MAJOR_VERSION = 1


_TOKENS: tuple[tuple[str, type], ...] = (
    ("min_text_px", int),
    ("min_target_px", int),
    ("small_px", int),
    ("body_px", int),
    ("title_px", int),
    ("huge_px", int),
    ("button_px", int),
    ("tile_px", int),
    ("icon_px", int),
    ("margin", int),
    ("spacing", int),
    ("background", str),
    ("surface", str),
    ("text", str),
    ("text_muted", str),
    ("accent", str),
    ("button", str),
    ("button_down", str),
    ("button_border", str),
    ("primary", str),
    ("on_primary", str),
    ("warn_fill", str),
    ("error_fill", str),
    ("overlay", str),
)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p.title() for p in rest)


def _token(key: str, kind: type, notify: Signal) -> Any:
    def get(self: Theme) -> Any:
        return getattr(self.mode, key)

    return Property(kind, get, notify=notify)


@QmlElement
@QmlSingleton
class Theme(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._elder = False
        self._portrait = True

    @property
    def mode(self) -> Mode:
        return mode(self._elder)

    def _get_elder(self) -> bool:
        return self._elder

    def _set_elder(self, value: bool) -> None:
        if value != self._elder:
            self._elder = value
            emit(self.changed)

    def _get_portrait(self) -> bool:
        return self._portrait

    def _set_portrait(self, value: bool) -> None:
        if value != self._portrait:
            self._portrait = value
            emit(self.changed)

    elder = Property(bool, _get_elder, _set_elder, notify=changed)
    portrait = Property(bool, _get_portrait, _set_portrait, notify=changed)
    fonts = Property("QVariantList", lambda self: FONTS, constant=True)
    colours = Property("QVariantMap", lambda self: ticket_colours(), constant=True)
    # One Qt property per Mode field (bodyPx, textMuted, ...): the metaobject is built from the class body.
    for _key, _kind in _TOKENS:
        vars()[_camel(_key)] = _token(_key, _kind, changed)
    del _key, _kind
