"""The Qt side every hall screen shares (call board, counter terminal, rating pad and the resident kiosk):
app start-up and fonts, the translator, a leak-free signal `emit`, and a worker for API calls.

A hall API call can take seconds when the back office is restarting, so none runs on the GUI thread: each
goes to a single-threaded worker (actions stay in the order staff pressed them) and its result comes back
to the GUI thread as a queued signal.

`SignalInstance.emit()` in PySide6 6.12.0 returns `True` without taking a reference to it. On Python 3.11,
where `True` is not immortal, every emit steals one reference; after a few thousand emits `True` is freed
and the interpreter aborts ("bool_dealloc: deallocating True or False"). Every screen therefore emits
through `emit`, which gives the stolen reference back, only where the leak is measured at import, so a fixed
PySide6 or Python 3.12+ is left alone.
"""

from __future__ import annotations

import ctypes
import json
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTranslator, QUrl, Signal, SignalInstance, Slot
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtQuickControls2 import QQuickStyle

from kiosk.config import Config, ConfigError, load_config
from kiosk.resources import LOCALES_DIR
from queue_display.theme import FONT_FAMILIES

Done = Callable[[bool, Any], None]


class _Probe(QObject):
    ping = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    stolen = before - sys.getrefcount(True)
    for _ in range(max(0, stolen)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back what the probe itself lost
    return stolen > 0


EMIT_STEALS_TRUE = _emit_steals_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """`signal.emit(*args)` without PySide6 6.12.0's lost reference to `True` (see the module docstring)."""
    result = signal.emit(*args)
    if EMIT_STEALS_TRUE and (result is True or result is False):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def install_translator(app: QCoreApplication, lang: str, catalog: str, who: str) -> QTranslator:
    """Load `catalog` in `lang` from the locales and install it; a missing .qm shows the source strings."""
    translator = QTranslator(app)
    qm = LOCALES_DIR / lang / f"{catalog}.qm"
    if not translator.load(str(qm)):
        print(f"{who}: no translation {qm}; showing the source strings", file=sys.stderr)
    app.installTranslator(translator)
    return translator


class Jobs(QObject):
    """Runs functions on one worker thread; `then(ok, result_or_exception)` runs on the GUI thread."""

    _finished = Signal(object)

    def __init__(self, name: str) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(self, fn: Callable[[], Any], then: Done) -> None:
        def work() -> None:
            try:
                outcome: tuple[bool, Any] = (True, fn())
            except Exception as exc:  # handed to `then`, which shows it
                outcome = (False, exc)
            emit(self._finished, (then, outcome))

        self._pool.submit(work)

    @Slot(object)
    def _deliver(self, item: tuple[Done, tuple[bool, Any]]) -> None:
        then, (ok, value) = item
        then(ok, value)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def audit(window: QQuickWindow) -> dict[str, Any]:
    """Smallest visible text and button on screen, for tests that hold the screens to design §6."""
    texts: list[tuple[float, str]] = []
    buttons: list[tuple[float, str]] = []
    stack: list[QQuickItem] = [window.contentItem()]
    while stack:
        item = stack.pop()
        if item is None or not item.isVisible() or item.opacity() == 0:
            continue
        if item.inherits("QQuickAbstractButton"):
            buttons.append(
                (min(item.height(), item.width()), item.objectName() or str(item.property("text")))
            )
        text = item.property("text")
        font = item.property("font")
        if isinstance(text, str) and text.strip() and isinstance(font, QFont):
            texts.append((float(font.pixelSize()), text[:40]))
        stack.extend(item.childItems())
    return {
        "min_text_px": min(texts, default=(0.0, ""))[0],
        "smallest_text": min(texts, default=(0.0, ""))[1],
        "min_button_px": min(buttons, default=(0.0, ""))[0],
        "smallest_button": min(buttons, default=(0.0, ""))[1],
        "buttons": len(buttons),
    }


def load_app_config(command: str, path: str | None) -> Config | None:
    """Logging to stderr (with --automation stdout carries only answers) and the configuration, or None after
    printing why it cannot be used."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown real problems
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"queue-display {command}: {exc}", file=sys.stderr)
        return None


def make_app(name: str = "queue-display", pixel_size: int = 24) -> QGuiApplication:
    """The application object of every queue_display app; create it before any QObject with timers."""
    existing = QGuiApplication.instance()
    app = existing if isinstance(existing, QGuiApplication) else QGuiApplication(sys.argv[:1])
    app.setApplicationName(name)
    # Qt's own fallback picks Noto Sans CJK JP (Japanese glyph forms): name the SC family first.
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(pixel_size)
    app.setFont(font)
    QQuickStyle.setStyle("Basic")  # the only style whose controls can be fully restyled without warnings
    return app


def run_qml(
    qml: Path,
    context: dict[str, object],
    locale: str,
    catalog: str,
    automation: bool = False,
    fullscreen: bool = False,
    extra: dict[str, Callable[[dict[str, Any]], Any]] | None = None,
    app: QGuiApplication | None = None,
    on_quit: Callable[[], None] | None = None,
) -> int:
    """Load `qml` with `context` properties and the `catalog` translation, then run the event loop."""
    app = app or make_app()
    install_translator(app, locale, catalog, "queue-display")
    engine = QQmlApplicationEngine()
    for key, value in context.items():
        engine.rootContext().setContextProperty(key, value)
    engine.load(QUrl.fromLocalFile(str(qml)))
    roots = engine.rootObjects()
    if not roots or not isinstance(roots[0], QQuickWindow):
        print(f"queue-display: could not load {qml}", file=sys.stderr)
        return 1
    window = roots[0]
    if fullscreen:
        window.showFullScreen()
    keep: list[object] = []
    if automation:
        from queue_display.automation import Automation

        commands = {"audit": lambda _cmd: audit(window), **(extra or {})}
        keep.append(Automation(window, commands))
        print(json.dumps({"ready": True}), flush=True)
    code = app.exec()
    if on_quit is not None:
        on_quit()
    del keep, engine
    return int(code)
