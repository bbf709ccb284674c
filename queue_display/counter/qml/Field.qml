import QtQuick
import QtQuick.Controls

TextField {
    id: field
    implicitHeight: 68
    font.pixelSize: 28
    color: "#000000"
    selectionColor: theme.button
    selectedTextColor: theme.text
    leftPadding: 16
    background: Rectangle {
        radius: 8
        color: "#ffffff"
        border.width: field.activeFocus ? 4 : 2
        border.color: field.activeFocus ? theme.accent : theme.buttonBorder
    }
}
