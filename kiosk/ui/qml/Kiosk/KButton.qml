import QtQuick
import QtQuick.Controls.Basic
import KioskStyle

// A button at the mode's target size. `primary` is the one main action of a screen; `glyph` is a symbol
// shown before the text (the text is its alternative). Its size never drops below Theme.buttonPx.
Button {
    id: b
    property bool primary: false
    property string glyph: ""
    property int textPx: Theme.bodyPx
    implicitHeight: Math.max(Theme.buttonPx, label.implicitHeight + 16)
    implicitWidth: Math.max(Theme.buttonPx, label.implicitWidth + 2 * Theme.spacing)
    font.pixelSize: textPx
    Accessible.name: text
    contentItem: Text {
        id: label
        text: (b.glyph ? b.glyph + " " : "") + b.text
        font: b.font
        color: b.primary ? Theme.onPrimary : Theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
    }
    background: Rectangle {
        color: b.primary ? Theme.primary : (b.down ? Theme.buttonDown : Theme.button)
        radius: 14
        border.color: b.primary ? Theme.onPrimary : Theme.buttonBorder
        border.width: b.checked ? 6 : 2
    }
}
