"""A control channel on stdin for driving a real Qt Quick app from tests and benchmarks (`--automation`).

Each stdin line is a JSON command; each gets one JSON line back on stdout. Items are found by their QML
`objectName`. Clicks are real mouse events delivered to the window, so the same code paths run as when a
person taps the screen.

    {"cmd": "click", "name": "callNextButton"}          -> {"ok": true}
    {"cmd": "prop", "name": "currentNumber", "prop": "text"} -> {"ok": true, "value": "G012"}
    {"cmd": "type", "name": "username", "text": "wang"} -> {"ok": true}
    {"cmd": "screenshot", "path": "/tmp/board.png"}     -> {"ok": true, "path": ...}
    {"cmd": "quit"}
"""

from __future__ import annotations

import contextlib
import json
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from queue_display.qtapp import emit


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    to_variant = getattr(value, "toVariant", None)
    return _jsonable(to_variant()) if callable(to_variant) else str(value)


class Automation(QObject):
    """Reads commands on a thread, runs them on the GUI thread, answers on stdout."""

    _command = Signal(str)

    def __init__(
        self,
        window: QQuickWindow,
        extra: dict[str, Callable[[dict[str, Any]], Any]] | None = None,
        out: Any = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.extra = extra or {}
        self.out = out or sys.stdout
        self._pending: queue.Queue[str] = queue.Queue()
        self._busy = False
        self._command.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        threading.Thread(target=self._read, name="automation", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            if line.strip():
                self._pending.put(line)
                emit(self._command, "")
        self._pending.put('{"cmd": "quit"}')
        emit(self._command, "")

    @Slot(str)
    def _drain(self, _: str) -> None:
        # QTest's input functions spin the event loop, which would run the next command inside this one
        # and answer out of order: commands run strictly one after another.
        if self._busy:
            return
        self._busy = True
        try:
            while True:
                try:
                    line = self._pending.get_nowait()
                except queue.Empty:
                    return
                self._run(line)
        finally:
            self._busy = False

    def reply(self, **fields: Any) -> None:
        self.out.write(json.dumps(fields, ensure_ascii=False) + "\n")
        self.out.flush()

    def find(self, name: str) -> QQuickItem:
        # QML's visual children are childItems(), not always QObject children, so walk the item tree.
        stack = [self.window.contentItem()]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if item.objectName() == name:
                return item
            stack.extend(item.childItems())
        raise LookupError(f"no item named {name!r}")

    def _run(self, line: str) -> None:
        try:
            cmd = json.loads(line)
            kind = cmd.get("cmd")
            if kind == "quit":
                # Quit first: if the driver has gone, the reply hits a broken pipe and must not keep us alive.
                QGuiApplication.quit()
                with contextlib.suppress(OSError, ValueError):
                    self.reply(ok=True)
                return
            if kind in self.extra:
                self.reply(ok=True, value=_jsonable(self.extra[kind](cmd)))
            elif kind == "click":
                item = self.find(cmd["name"])
                if not item.isVisible() or not item.isEnabled():
                    raise RuntimeError(f"{cmd['name']} is not visible and enabled")
                centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
                QTest.mouseClick(
                    self.window,
                    Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier,
                    QPoint(centre.x(), centre.y()),
                )
                self.reply(ok=True)
            elif kind == "prop":
                self.reply(ok=True, value=_jsonable(self.find(cmd["name"]).property(cmd["prop"])))
            elif kind == "type":
                item = self.find(cmd["name"])
                item.forceActiveFocus()
                item.setProperty("text", "")
                for ch in cmd["text"]:  # key events carrying text: any character, as an input method sends
                    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                        QCoreApplication.sendEvent(
                            self.window, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                        )
                self.reply(ok=True)
            elif kind == "screenshot":
                if not self.window.grabWindow().save(cmd["path"]):
                    raise RuntimeError(f"could not write {cmd['path']}")
                self.reply(ok=True, path=cmd["path"])
            else:
                raise ValueError(f"unknown command {kind!r}")
        except Exception as exc:  # a bad command must not end the app under test
            try:
                self.reply(ok=False, error=f"{type(exc).__name__}: {exc}")
            except (OSError, ValueError):  # the test driver is gone: nobody will ever send `quit`
                QGuiApplication.quit()
