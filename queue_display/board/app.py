"""Wires the board together: settings, Qt Quick window, connector, announcer, automation."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer, QUrl
from PySide6.QtGui import QFontMetricsF, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow  # before rootObjects(), or the root is a plain QWindow

from kiosk.config import ConfigError
from queue_display.board.announcer import Announcer
from queue_display.board.bridge import BoardBridge
from queue_display.board.connection import Connector
from queue_display.board.i18n import I18n
from queue_display.board.record import Recorder
from queue_display.board.settings import BoardSettings, load_settings
from queue_display.board.state import BoardState
from queue_display.qtapp import make_app
from queue_display.theme import qml_theme

log = logging.getLogger("queue_display.board")

QML_DIR = Path(__file__).with_name("qml")
DESIGN_SIZE = (1920, 1080)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def glyph_height(item: Any, window: QQuickWindow) -> float:
    """How tall the inked text of a QML Text item is on screen, in device pixels (every scale applied)."""
    ink = QFontMetricsF(item.property("font")).tightBoundingRect(item.property("text"))
    scale = item.mapRectToScene(QRectF(0, 0, 1, 1)).height()
    # The window we hold, not item.window(): that wrapper would delete the window when collected.
    return round(ink.height() * scale * window.devicePixelRatio(), 1)


def run_board(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=os.environ.get("BOARD_LOG", "INFO"),
        stream=sys.stderr,  # with --automation, stdout carries only the answers
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll would drown the log
    try:
        settings = load_settings(args)
    except ConfigError as exc:
        print(f"queue-display board: {exc}", file=sys.stderr)
        return 2

    app = make_app("queue-display-board")

    recorder = Recorder()
    bridge = BoardBridge(
        BoardState(recent_limit=settings.recent_calls),
        recorder,
        settings.languages,
        settings.notices,
        settings.flash_times,
        settings.hall_name,
    )
    i18n = I18n(settings.languages)
    engine = QQmlApplicationEngine()
    ctx = engine.rootContext()
    ctx.setContextProperty("board", bridge)
    ctx.setContextProperty("i18n", i18n)
    ctx.setContextProperty("theme", qml_theme())
    engine.load(QUrl.fromLocalFile(str(QML_DIR / "Board.qml")))
    roots = engine.rootObjects()
    if not roots or not isinstance(roots[0], QQuickWindow):
        print("queue-display board: Board.qml did not load (see the QML errors above)", file=sys.stderr)
        return 1
    window: QQuickWindow = roots[0]
    # Stamp "shown" honestly: a change counts once a frame synchronized after it has been swapped to screen.
    window.afterSynchronizing.connect(recorder.frame_synchronized, Qt.ConnectionType.DirectConnection)
    window.frameSwapped.connect(recorder.frame_swapped, Qt.ConnectionType.DirectConnection)

    announcer = Announcer(
        settings.speech, settings.announce_languages, settings.announce_repeat, recorder, bridge.post_voice
    )
    announcer.start()
    bridge.announcer = announcer
    connector = Connector(settings.hall_url, settings.token, bridge, recorder, args.poll_interval)
    bridge.on_ticket_event = connector.request_refresh

    if args.windowed:
        window.resize(*DESIGN_SIZE)
        window.show()
    else:
        window.showFullScreen()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)

    # Python signal handlers only run when the interpreter gets control: an idle timer gives it some.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: QGuiApplication.quit())
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(250)

    automation = _automation(window, settings, bridge, connector, recorder) if args.automation else None
    connector.start()
    try:
        return int(app.exec())
    finally:
        connector.stop()
        announcer.close()
        log.info("board stopped; rss %.0f MB", rss_mb())
        # Bindings still read `board` and `i18n`: the engine (and its window) must go before they do.
        del automation, roots, engine


def _automation(
    window: QQuickWindow,
    settings: BoardSettings,
    bridge: BoardBridge,
    connector: Connector,
    recorder: Recorder,
) -> Any:
    """The stdin/stdout channel for tests and the benchmark, with the board's own commands."""
    from queue_display.automation import Automation

    def status(_: dict[str, Any]) -> dict[str, Any]:
        return {
            **connector.status(),
            "connection": bridge.connection,
            "voice_ok": bridge.voiceOk,
            "voice_reason": bridge.voiceReason,
            "languages": settings.languages,
            "rss_mb": round(rss_mb(), 1),
            "pid": os.getpid(),
        }

    automation: Automation | None = None

    def glyph(cmd: dict[str, Any]) -> float:
        assert automation is not None
        return glyph_height(automation.find(cmd["name"]), window)

    automation = Automation(
        window,
        extra={
            "history": lambda _: recorder.snapshot(),  # what was shown and said, with monotonic stamps
            "status": status,
            "resize": lambda cmd: window.resize(int(cmd["width"]), int(cmd["height"])),
            "glyph_height": glyph,
        },
    )
    print('{"ready": true}', flush=True)
    return automation
