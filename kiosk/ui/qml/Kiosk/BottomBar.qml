import QtQuick
import QtQuick.Layouts
import KioskStyle

// On every screen: back and home where the flow offers them, and the time left (剩余操作时间).
RowLayout {
    id: bar
    required property var vm
    spacing: Theme.spacing
    KButton {
        objectName: "backButton"
        visible: bar.vm.canGoBack
        text: qsTr("Back")
        glyph: "←"
        onClicked: bar.vm.back()
    }
    KButton {
        objectName: "homeButton"
        visible: bar.vm.canGoHome
        text: qsTr("Home")
        glyph: "⌂"
        onClicked: bar.vm.home()
    }
    Item { Layout.fillWidth: true; implicitHeight: Theme.buttonPx }
    KText {
        objectName: "countdown"
        text: qsTr("Time left: %1 s").arg(bar.vm.remaining)
        color: bar.vm.warning ? Theme.accent : Theme.textMuted
        font.pixelSize: Theme.smallPx
        wrapMode: Text.NoWrap
    }
}
