"""A tiny Qt Quick app under automation, to test the automation channel itself."""

import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

from queue_display.automation import Automation

QML = """
import QtQuick
import QtQuick.Controls
ApplicationWindow {
    width: 400; height: 200; visible: true
    property int clicks: 0
    Column {
        TextField { objectName: "field"; width: 300 }
        Button { objectName: "button"; text: "clicked " + clicks; onClicked: clicks += 1 }
        Text { objectName: "label"; text: "clicks: " + clicks }
    }
}
"""

app = QGuiApplication(sys.argv)
engine = QQmlApplicationEngine()
engine.loadData(QML.encode())
window = engine.rootObjects()[0]
assert isinstance(window, QQuickWindow)
automation = Automation(window)
print('{"ready": true}', flush=True)
sys.exit(app.exec())
