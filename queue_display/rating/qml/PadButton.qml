import QtQuick
import QtQuick.Controls

// Elder-friendly target (design §6): >= 80 px, text >= 32 px, 7:1 contrast; selection shown by fill and mark.
Button {
    id: control
    property bool primary: false
    property bool selected: false
    property int textSize: 36
    implicitHeight: 100
    implicitWidth: 280
    font.pixelSize: textSize
    font.bold: true
    contentItem: Text {
        text: control.text
        font: control.font
        color: control.primary ? theme.onPrimary : control.selected ? theme.background : theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
    }
    background: Rectangle {
        radius: 16
        // A chosen reason turns white with a thick yellow frame: unlike the yellow "submit" button.
        color: control.primary ? (control.down ? Qt.darker(theme.primary, 1.15) : theme.primary)
               : control.selected ? theme.text
               : (control.down ? theme.padButtonDown : theme.padButton)
        border.width: control.selected ? 8 : control.visualFocus ? 5 : 3
        border.color: control.selected ? theme.accent : control.visualFocus ? theme.text : theme.buttonBorder
    }
}
