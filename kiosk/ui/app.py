"""Builds the kiosk's window: the Qt application, the translator, the QML module and the view-model.

`kiosk tour` and the screen tests use `KioskWindow` directly; `kiosk run` (next) will wrap it with the real
effects port and the devices.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

import kiosk.ui.style  # noqa: F401  (registers the Theme singleton before any engine exists)
from kiosk.ui.viewmodel import KioskViewModel
from queue_display.qtapp import install_translator, make_app

QML_DIR = Path(__file__).with_name("qml")
CATALOG = "kiosk"
PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


class Translations:
    """The Qt translator of the kiosk catalog; switching language retranslates every qsTr live."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.engine: QQmlApplicationEngine | None = None
        self._translator: QTranslator | None = None

    def use(self, lang: str) -> None:
        if self._translator is not None:
            self.app.removeTranslator(self._translator)
        self._translator = install_translator(self.app, lang, CATALOG, "kiosk")
        if self.engine is not None:
            self.engine.retranslate()


class KioskWindow:
    """The QML engine and window around a view-model built by `make_vm(on_language)`."""

    def __init__(
        self, vm: KioskViewModel, translations: Translations, size: tuple[int, int] = PORTRAIT
    ) -> None:
        self.vm = vm
        self.translations = translations
        self.engine = QQmlApplicationEngine()
        self.engine.addImportPath(str(QML_DIR))
        translations.engine = self.engine
        translations.use(vm.lang)
        self.engine.setInitialProperties({"vm": vm, "width": size[0], "height": size[1]})
        self.engine.loadFromModule("Kiosk", "Main")
        roots = self.engine.rootObjects()
        if not roots or not isinstance(roots[0], QQuickWindow):
            raise RuntimeError(f"could not load the kiosk's QML from {QML_DIR}")
        self.window: QQuickWindow = roots[0]

    def resize(self, size: tuple[int, int]) -> None:
        self.window.resize(*size)

    def close(self) -> None:
        self.vm.stop()
        self.window.close()
        # Destroy the QML while the view-model still exists: otherwise every binding re-runs against a
        # vanished `vm` and logs a TypeError on the way out.
        shiboken6.delete(self.engine)


def application() -> QGuiApplication:
    return make_app("kiosk", pixel_size=24)
