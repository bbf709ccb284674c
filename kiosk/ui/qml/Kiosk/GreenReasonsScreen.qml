import QtQuick
import QtQuick.Layouts
import KioskStyle

// The green-channel reasons a resident may declare. Nothing is preselected; the reason goes to the back
// office as a code and is never shown or printed.
ColumnLayout {
    id: page
    objectName: "screen_green_reasons"
    required property var vm
    spacing: Theme.spacing
    function reasonText(reason) {
        switch (reason) {
        case "disability": return qsTr("I have a disability")
        case "illness": return qsTr("I am seriously ill")
        case "pregnancy": return qsTr("I am pregnant")
        case "military": return qsTr("Serving soldier, veteran or military family")
        }
        return reason
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("Does one of these apply to you?")
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("If so you are served first (green channel). What you choose is not shown or printed.")
        color: Theme.textMuted
    }
    Repeater {
        model: page.vm.greenReasons
        KButton {
            objectName: "reason_" + modelData
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.maximumHeight: Theme.tilePx
            text: page.reasonText(modelData)
            onClicked: page.vm.declareGreen(modelData)
        }
    }
    Item { implicitHeight: Theme.spacing }  // "none of these" stands apart from the reasons
    KButton {
        objectName: "reason_none"
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.maximumHeight: Theme.tilePx
        text: qsTr("None of these")
        onClicked: page.vm.declareGreen("")
    }
    Item { Layout.fillHeight: true }
}
