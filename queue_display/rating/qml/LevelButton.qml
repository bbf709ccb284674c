import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One of the five 好差评 levels: stars and words, so neither colour nor the stars alone carry the meaning.
Button {
    id: control
    property int level: 5
    property string label: ""
    implicitHeight: 300
    implicitWidth: 220
    font.pixelSize: 36
    font.bold: true
    text: label
    contentItem: ColumnLayout {
        spacing: 24
        Item { Layout.fillHeight: true }
        Text {
            Layout.fillWidth: true
            text: "★".repeat(control.level) + "☆".repeat(5 - control.level)
            color: theme.accent
            font.pixelSize: 42
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            // Room for two lines on every button, so the stars line up whatever the language.
            Layout.fillWidth: true
            Layout.preferredHeight: control.font.pixelSize * 2.8
            text: control.label
            color: theme.text
            font: control.font
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignTop
            wrapMode: Text.WordWrap
        }
        Item { Layout.fillHeight: true }
    }
    background: Rectangle {
        radius: 18
        color: control.down ? theme.padButtonDown : theme.padButton
        border.width: control.visualFocus ? 5 : 3
        border.color: control.visualFocus ? theme.text : theme.buttonBorder
    }
}
