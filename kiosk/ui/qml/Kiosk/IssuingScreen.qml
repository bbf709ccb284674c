import QtQuick
import QtQuick.Layouts
import KioskStyle

ColumnLayout {
    objectName: "screen_issuing"
    required property var vm
    Item { Layout.fillHeight: true }
    KText {
        Layout.fillWidth: true
        text: qsTr("Getting your number…")
        font.pixelSize: Theme.titlePx
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("Please wait a moment.")
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
    }
    Item { Layout.fillHeight: true }
}
