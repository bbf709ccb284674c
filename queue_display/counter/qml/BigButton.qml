import QtQuick
import QtQuick.Controls

// A large touch target (design §6: >= 60 px in standard mode); the label is never the only cue of state:
// a disabled button changes its fill, its border and its text colour.
Button {
    id: control
    property bool primary: false
    property string symbol: ""
    property int textSize: 28
    implicitHeight: 88
    implicitWidth: 200
    font.pixelSize: textSize
    font.bold: true

    contentItem: Text {
        text: (control.symbol ? control.symbol + "  " : "") + control.text
        font: control.font
        color: !control.enabled ? theme.disabledText : control.primary ? theme.onPrimary : theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: 12
        color: !control.enabled ? theme.disabledFill
              : control.primary ? (control.down ? Qt.darker(theme.primary, 1.15) : theme.primary)
              : (control.down ? theme.buttonDown : theme.button)
        border.width: control.visualFocus ? 4 : 2
        border.color: !control.enabled ? theme.disabledFill : control.visualFocus ? theme.accent : theme.buttonBorder
    }
}
