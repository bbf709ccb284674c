import QtQuick
import QtQuick.Controls

ApplicationWindow {
    id: win
    width: 1280
    height: 800
    minimumWidth: 1024
    minimumHeight: 720
    visible: true
    color: theme.background
    title: qsTr("Counter terminal")
    readonly property var s: backend.state

    LoginView {
        anchors.fill: parent
        visible: win.s.screen === "login"
        s: win.s
    }
    CounterView {
        anchors.fill: parent
        visible: win.s.screen === "main"
        s: win.s
    }
}
