import QtQuick
import QtQuick.Layouts
import KioskStyle

// Offered when the card shows an elderly resident in standard mode: bigger text, voice, fewer steps.
Rectangle {
    id: o
    required property var vm
    color: Theme.overlay
    MouseArea { anchors.fill: parent }
    ColumnLayout {
        anchors.centerIn: parent
        width: parent.width - 4 * Theme.margin
        spacing: Theme.spacing * 2
        KText {
            Layout.fillWidth: true
            text: qsTr("Switch to elder mode?")
            font.pixelSize: Theme.titlePx
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        KText {
            Layout.fillWidth: true
            text: qsTr("Bigger text and buttons, and every step read aloud.")
            horizontalAlignment: Text.AlignHCenter
        }
        KButton {
            objectName: "acceptElder"
            primary: true
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.tilePx
            text: qsTr("Yes, use elder mode")
            font.pixelSize: Theme.titlePx
            onClicked: o.vm.setElder(true)
        }
        KButton {
            objectName: "declineElder"
            Layout.fillWidth: true
            text: qsTr("No, thank you")
            onClicked: o.vm.declineElder()
        }
    }
}
