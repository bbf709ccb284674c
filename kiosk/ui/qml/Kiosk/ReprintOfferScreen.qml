import QtQuick
import QtQuick.Layouts
import KioskStyle

// The same person already waits for this matter today: their ticket again (补打), not a second number.
ColumnLayout {
    id: page
    objectName: "screen_reprint_offer"
    required property var vm
    readonly property var t: vm.ticket
    spacing: Theme.spacing * 1.5
    KText {
        Layout.fillWidth: true
        text: qsTr("You already have a number for this matter today")
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
    KText {
        Layout.fillWidth: true
        text: page.vm.matterName
        color: Theme.textMuted
    }
    KText {
        Layout.fillWidth: true
        text: page.t.number || ""
        font.pixelSize: Theme.hugePx * 0.7
        font.bold: true
        color: Theme.accent
        horizontalAlignment: Text.AlignHCenter
    }
    ColourBadge {
        Layout.alignment: Qt.AlignHCenter
        colour: page.t.colour || "blue"
        name: page.t.colourName || ""
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("Your place in the queue is kept. You can print that ticket again.")
    }
    Item { Layout.fillHeight: true }
    KButton {
        objectName: "reprintButton"
        primary: true
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.tilePx
        text: qsTr("Print my ticket again")
        font.pixelSize: Theme.titlePx
        onClicked: page.vm.acceptReprint()
    }
    Item { Layout.fillHeight: true }
}
