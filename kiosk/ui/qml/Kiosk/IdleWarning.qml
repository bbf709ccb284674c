import QtQuick
import QtQuick.Layouts
import KioskStyle

// 20 s before the session ends: one big "I need more time" button, over the whole screen.
Rectangle {
    id: w
    required property var vm
    color: Theme.overlay
    MouseArea { anchors.fill: parent }  // taps do not fall through to the screen below
    ColumnLayout {
        anchors.centerIn: parent
        width: parent.width - 4 * Theme.margin
        spacing: Theme.spacing * 2
        KText {
            Layout.fillWidth: true
            text: qsTr("Are you still there?")
            font.pixelSize: Theme.titlePx
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        KText {
            objectName: "warningSeconds"
            Layout.fillWidth: true
            text: w.vm.remaining
            color: Theme.accent
            font.pixelSize: Theme.hugePx
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        KText {
            objectName: "warningCountdown"
            Layout.fillWidth: true
            text: qsTr("The screen goes back to the start in %1 seconds, and what you entered is cleared.")
                .arg(w.vm.remaining)
            font.pixelSize: Theme.titlePx * 0.8
            horizontalAlignment: Text.AlignHCenter
        }
        KButton {
            objectName: "moreTime"
            visible: w.vm.canExtend
            primary: true
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.tilePx
            text: qsTr("I need more time")
            font.pixelSize: Theme.titlePx
            onClicked: w.vm.moreTime()
        }
        KButton {
            objectName: "warningHome"
            Layout.fillWidth: true
            text: qsTr("Finish and go back to the start")
            onClicked: w.vm.home()
        }
    }
}
