import QtQuick
import QtQuick.Layouts
import KioskStyle

// Place the ID card, or scan the appointment QR code. A card problem is explained in plain words.
ColumnLayout {
    id: page
    objectName: "screen_identify"
    required property var vm
    spacing: Theme.spacing * 1.5
    function problemText(code) {
        switch (code) {
        case "": return ""
        case "expired": return qsTr("This ID card has expired. Please use a valid card, or ask at the front desk.")
        case "bad_number": return qsTr("The number on this card could not be checked. Please place it again, or ask at the front desk.")
        }
        return qsTr("The card could not be read. Please lay it flat on the reader and hold it still for two seconds.")
    }
    KText {
        Layout.fillWidth: true
        text: page.vm.matterName
        color: Theme.accent
        font.bold: true
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("Please place your ID card on the reader")
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
    Rectangle {
        objectName: "cardProblem"
        visible: page.vm.cardProblem !== ""
        Layout.fillWidth: true
        implicitHeight: problem.implicitHeight + 2 * Theme.spacing
        color: Theme.warnFill
        radius: 12
        KText {
            id: problem
            anchors.fill: parent
            anchors.margins: Theme.spacing
            text: "⚠ " + page.problemText(page.vm.cardProblem)
        }
    }
    GridLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        columns: Theme.portrait ? 1 : 2
        rowSpacing: Theme.spacing
        columnSpacing: Theme.spacing
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.surface
            radius: 16
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Theme.margin
                spacing: Theme.spacing
                // An ID card being laid on the reader, drawn: the words below say the same.
                Item {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: Theme.tilePx
                    Rectangle {
                        anchors.centerIn: parent
                        width: Math.min(parent.width * 0.6, parent.height * 1.58)
                        height: width / 1.58
                        radius: width / 20
                        color: Theme.button
                        border.color: Theme.accent
                        border.width: 4
                        Rectangle {
                            x: parent.width * 0.08; y: parent.height * 0.2
                            width: parent.width * 0.25; height: parent.height * 0.6
                            radius: 6
                            color: Theme.buttonBorder
                        }
                        Repeater {
                            model: 3
                            Rectangle {
                                x: parent.width * 0.42; y: parent.height * (0.25 + index * 0.2)
                                width: parent.width * 0.48; height: parent.height * 0.08
                                radius: 4
                                color: Theme.buttonBorder
                            }
                        }
                    }
                }
                KText {
                    Layout.fillWidth: true
                    text: qsTr("Lay the card flat in the marked area below the screen.")
                    horizontalAlignment: Text.AlignHCenter
                }
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.surface
            radius: 16
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Theme.margin
                spacing: Theme.spacing
                Item {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: Theme.tilePx
                    // A QR code symbol: three finder squares.
                    Item {
                        anchors.centerIn: parent
                        width: Math.min(parent.width, parent.height) * 0.8
                        height: width
                        Repeater {
                            model: [[0, 0], [1, 0], [0, 1]]
                            Rectangle {
                                x: modelData[0] * parent.width * 0.6
                                y: modelData[1] * parent.height * 0.6
                                width: parent.width * 0.4; height: width
                                color: "transparent"
                                border.color: Theme.text
                                border.width: width / 7
                                Rectangle {
                                    anchors.centerIn: parent
                                    width: parent.width * 0.43; height: width
                                    color: Theme.text
                                }
                            }
                        }
                    }
                }
                KText {
                    Layout.fillWidth: true
                    text: qsTr("Booked an appointment? Hold its QR code under the scanner.")
                    horizontalAlignment: Text.AlignHCenter
                }
            }
        }
    }
}
