import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import KioskStyle

ColumnLayout {
    objectName: "screen_issuing"
    required property var vm
    Item { Layout.fillHeight: true }
    BusyIndicator {
        objectName: "issuingBusy"
        Layout.alignment: Qt.AlignHCenter
        Layout.preferredWidth: Theme.tilePx
        Layout.preferredHeight: Theme.tilePx
        running: true
        palette.dark: Theme.accent  // the Basic style's dots are dark grey: invisible on the dark ground
    }
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
