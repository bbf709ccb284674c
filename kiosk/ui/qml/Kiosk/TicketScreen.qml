import QtQuick
import QtQuick.Layouts
import KioskStyle

// The ticket: the number large, its colour with symbol and name, where to go, how long, and a QR code to
// follow it on a phone. Portrait stacks the parts; landscape puts the QR code beside the number.
GridLayout {
    id: page
    objectName: "screen_ticket"
    required property var vm
    readonly property var t: vm.ticket
    columns: Theme.portrait ? 1 : 2
    rowSpacing: Theme.spacing
    columnSpacing: Theme.margin * 2

    ColumnLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.preferredWidth: 3
        spacing: Theme.spacing
        KText {
            Layout.fillWidth: true
            text: page.t.reprint ? qsTr("Your number (reprint)") : qsTr("Your number")
            font.pixelSize: Theme.portrait ? Theme.titlePx : Theme.bodyPx
            horizontalAlignment: Text.AlignHCenter
        }
        KText {
            objectName: "ticketNumber"
            Layout.fillWidth: true
            text: page.t.number || ""
            // Landscape panels are 1080 px high: the number gives way so the facts below it fit.
            font.pixelSize: Theme.portrait ? (Theme.elder ? Theme.hugePx : Theme.hugePx * 1.3) : Theme.hugePx * 0.7
            font.bold: true
            color: Theme.accent
            horizontalAlignment: Text.AlignHCenter
            lineHeight: 1.0
        }
        ColourBadge {
            objectName: "ticketColour"
            Layout.alignment: Qt.AlignHCenter
            colour: page.t.colour || "blue"
            name: page.t.colourName || ""
        }
        KText {
            Layout.fillWidth: true
            text: page.vm.matterName
            color: Theme.textMuted
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: facts.implicitHeight + 2 * Theme.spacing
            color: Theme.surface
            radius: 16
            ColumnLayout {
                id: facts
                anchors.fill: parent
                anchors.margins: Theme.spacing
                KText {
                    objectName: "ticketWindows"
                    visible: (page.t.windows || "") !== ""
                    Layout.fillWidth: true
                    text: qsTr("Served at window(s) %1", "", page.t.windowCount || 1).arg(page.t.windows)
                    font.pixelSize: Theme.portrait ? Theme.titlePx * 0.8 : Theme.bodyPx
                    font.bold: true
                    horizontalAlignment: Text.AlignHCenter
                }
                KText {
                    objectName: "ticketAhead"
                    visible: page.t.ahead >= 0
                    Layout.fillWidth: true
                    text: qsTr("%n people ahead of you", "", page.t.ahead)
                    horizontalAlignment: Text.AlignHCenter
                }
                KText {
                    objectName: "ticketWait"
                    visible: page.t.waitMin >= 0
                    Layout.fillWidth: true
                    text: qsTr("About %n minutes' wait", "", page.t.waitMin)
                    horizontalAlignment: Text.AlignHCenter
                }
            }
        }
    }

    ColumnLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.preferredWidth: 2
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            QrCode {
                objectName: "ticketQr"
                modules: page.t.qr || []
                size: page.t.qrSize || 0
                side: Theme.elder ? Theme.tilePx * 1.6 : Theme.tilePx * 2.1
                Accessible.name: qsTr("QR code to follow your number on a phone")
            }
            KText {
                Layout.fillWidth: true
                visible: Theme.portrait
                text: qsTr("Scan to follow your number on your phone.")
            }
        }
        KText {
            Layout.fillWidth: true
            visible: !Theme.portrait
            text: qsTr("Scan to follow your number on your phone.")
        }
        KText {
            Layout.fillWidth: true
            visible: page.vm.printFault === ""
            text: qsTr("Please take your printed ticket and wait for your number to be called.")
            color: Theme.textMuted
        }
        // The printer failed: the ticket stands; the resident keeps the number from this screen instead.
        Rectangle {
            objectName: "printFault"
            visible: page.vm.printFault !== ""
            Layout.fillWidth: true
            implicitHeight: faultText.implicitHeight + 2 * Theme.spacing
            color: Theme.warnFill
            radius: 16
            border.color: Theme.accent
            border.width: 3
            KText {
                id: faultText
                anchors.fill: parent
                anchors.margins: Theme.spacing
                font.bold: true
                text: page.vm.printFault === "printer_paper_out"
                      ? qsTr("⚠ The printer is out of paper — please photograph or remember your number.")
                      : qsTr("⚠ The printer is not working — please photograph or remember your number.")
            }
        }
        Item { Layout.fillHeight: true }
        KButton {
            objectName: "doneButton"
            primary: true
            Layout.fillWidth: true
            // With a printer fault the message needs the room; the button still clears the mode's floor.
            Layout.preferredHeight: page.vm.printFault === "" ? Theme.tilePx : Theme.buttonPx
            text: qsTr("Done")
            font.pixelSize: page.vm.printFault === "" ? Theme.titlePx : Theme.bodyPx
            onClicked: page.vm.home()
        }
    }
}
