import QtQuick
import QtQuick.Layouts
import KioskStyle

// The back office cannot be reached: send residents to the front desk; the kiosk retries by itself.
ColumnLayout {
    objectName: "screen_out_of_service"
    required property var vm
    spacing: Theme.spacing * 1.5
    Item { Layout.fillHeight: true }
    KText {
        Layout.fillWidth: true
        text: qsTr("This kiosk is out of service")
        font.pixelSize: Theme.titlePx * 1.2
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("Please go to the front desk; the staff there will help you.")
        font.pixelSize: Theme.titlePx * 0.8
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("The kiosk is reconnecting by itself. If you were taking a number, it is not lost.")
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
    }
    Item { Layout.fillHeight: true }
}
