import QtQuick
import QtQuick.Layouts
import KioskStyle

ColumnLayout {
    id: page
    objectName: "screen_confirm"
    required property var vm
    spacing: Theme.spacing * 1.5
    KText {
        Layout.fillWidth: true
        text: qsTr("Take a number for this matter?")
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
    Rectangle {
        Layout.fillWidth: true
        implicitHeight: summary.implicitHeight + 2 * Theme.margin
        color: Theme.surface
        radius: 16
        ColumnLayout {
            id: summary
            anchors.fill: parent
            anchors.margins: Theme.margin
            spacing: Theme.spacing
            KText {
                Layout.fillWidth: true
                text: page.vm.matterName
                font.pixelSize: Theme.titlePx
                color: Theme.accent
                font.bold: true
            }
            KText {
                Layout.fillWidth: true
                text: page.vm.categoryName
                color: Theme.textMuted
            }
            KText {
                objectName: "greenNote"
                visible: page.vm.green
                Layout.fillWidth: true
                text: Theme.colours.green.symbol + " " + qsTr("You will be served first (green channel).")
            }
        }
    }
    Item { Layout.fillHeight: true }
    KButton {
        objectName: "confirmButton"
        primary: true
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.tilePx * 1.5
        text: qsTr("Yes, take a number")
        font.pixelSize: Theme.titlePx
        font.bold: true
        onClicked: page.vm.confirm()
    }
    Item { Layout.fillHeight: true }
}
