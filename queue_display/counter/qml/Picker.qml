import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A full-window chooser (no popup window: it stays in the item tree that tests and screen readers walk).
Rectangle {
    id: picker
    property string title: ""
    property var items: []          // [{id, key, label}]
    property bool loading: false
    property string emptyText: ""
    property string prefix: "pick_"
    property string cancelName: "pickerCancel"
    signal chosen(string id)

    visible: false
    color: "#e6000000"
    z: 10
    function open() { visible = true; flick.contentY = 0 }
    function close() { visible = false }

    MouseArea { anchors.fill: parent }  // nothing behind the chooser reacts while it is open
    Keys.onEscapePressed: close()

    Rectangle {
        anchors.fill: parent
        anchors.margins: 40
        color: theme.surface
        radius: 14
        border.color: theme.buttonBorder
        border.width: 2

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: 24
            spacing: 16
            Text {
                Layout.fillWidth: true
                text: picker.title
                color: theme.text
                font.pixelSize: 34
                font.bold: true
                wrapMode: Text.WordWrap
            }
            Text {
                Layout.fillWidth: true
                visible: picker.loading || picker.items.length === 0
                text: picker.loading ? qsTr("Loading…") : picker.emptyText
                color: theme.textMuted
                font.pixelSize: 28
                wrapMode: Text.WordWrap
            }
            Flickable {
                id: flick
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                contentHeight: grid.implicitHeight
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded; width: 16 }
                GridLayout {
                    id: grid
                    width: flick.width - 24
                    columns: 2
                    columnSpacing: 14
                    rowSpacing: 14
                    Repeater {
                        model: picker.loading ? [] : picker.items
                        BigButton {
                            objectName: picker.prefix + modelData.key
                            Layout.fillWidth: true
                            Layout.preferredHeight: 80
                            textSize: 26
                            font.bold: false
                            text: modelData.label
                            onClicked: { picker.close(); picker.chosen(modelData.id) }
                        }
                    }
                }
            }
            BigButton {
                objectName: picker.cancelName
                Layout.alignment: Qt.AlignRight
                Layout.preferredWidth: 260
                text: qsTr("Cancel")
                onClicked: picker.close()
            }
        }
    }
}
