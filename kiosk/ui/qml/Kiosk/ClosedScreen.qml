import QtQuick
import QtQuick.Layouts
import KioskStyle

// The hall is closed (outside its hours or closed by staff): no tickets, the hours instead.
ColumnLayout {
    id: page
    objectName: "screen_closed"
    required property var vm
    readonly property var r: vm.refusal
    spacing: Theme.spacing * 1.5
    Item { Layout.fillHeight: true }
    KText {
        Layout.fillWidth: true
        text: qsTr("The hall is closed")
        font.pixelSize: Theme.titlePx * 1.2
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        objectName: "closedHours"
        visible: (page.r.opens || "") !== ""
        Layout.fillWidth: true
        text: qsTr("Opening hours: %1 – %2").arg(page.r.opens).arg(page.r.closes)
        color: Theme.accent
        font.pixelSize: Theme.titlePx
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        visible: (page.r.message || "") !== ""
        text: page.r.message || ""
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("No numbers are given now. Please come back during opening hours.")
        horizontalAlignment: Text.AlignHCenter
    }
    Item { Layout.fillHeight: true }
}
