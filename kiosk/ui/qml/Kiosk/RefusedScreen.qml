import QtQuick
import QtQuick.Layouts
import KioskStyle

// No number for this matter now: the day's quota is used up, or it is outside the matter's ticket hours.
// The back office's own message follows the plain-words title.
ColumnLayout {
    id: page
    objectName: "screen_refused"
    required property var vm
    readonly property var r: vm.refusal
    spacing: Theme.spacing * 1.5
    Item { Layout.fillHeight: true }
    KText {
        objectName: "refusedTitle"
        Layout.fillWidth: true
        text: page.r.code === "quota_used" ? qsTr("Today's numbers for this matter are all taken")
            : page.r.code === "outside_ticket_hours" ? qsTr("Numbers for this matter are not given at this time")
            : qsTr("No number can be given for this matter now")
        font.pixelSize: Theme.titlePx
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        visible: page.r.code === "quota_used"
        text: qsTr("If a window is free, you may go straight to it.")
        horizontalAlignment: Text.AlignHCenter
    }
    Rectangle {
        visible: (page.r.message || "") !== ""
        Layout.fillWidth: true
        implicitHeight: message.implicitHeight + 2 * Theme.spacing
        color: Theme.surface
        radius: 12
        KText {
            id: message
            objectName: "refusedMessage"
            anchors.fill: parent
            anchors.margins: Theme.spacing
            text: page.r.message || ""
            color: Theme.textMuted
            horizontalAlignment: Text.AlignHCenter
        }
    }
    KText {
        Layout.fillWidth: true
        text: page.vm.matterName
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
    }
    Item { Layout.fillHeight: true }
    KButton {
        objectName: "refusedHome"
        primary: true
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.tilePx
        text: qsTr("Choose another matter")
        font.pixelSize: Theme.titlePx
        onClicked: page.vm.home()
    }
}
