import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import KioskStyle

// A category or matter tile: an icon (a symbol; the name beside it is its text alternative) and the name.
Button {
    id: t
    property string glyph: ""
    implicitHeight: Theme.tilePx
    Accessible.name: text
    // Elder tiles on a landscape panel are short: their names drop to the mode's floor to fit two lines.
    font.pixelSize: Theme.elder && !Theme.portrait ? Theme.smallPx : Theme.bodyPx
    contentItem: RowLayout {
        spacing: Theme.spacing
        Text {
            text: t.glyph
            color: Theme.accent
            font.pixelSize: Theme.iconPx
            Layout.preferredWidth: Theme.iconPx * 1.2
            horizontalAlignment: Text.AlignHCenter
            Accessible.ignored: true
        }
        Text {
            text: t.text
            color: Theme.text
            font: t.font
            wrapMode: Text.Wrap
            maximumLineCount: 3
            elide: Text.ElideRight
            Layout.fillWidth: true
            verticalAlignment: Text.AlignVCenter
        }
    }
    background: Rectangle {
        color: t.down ? Theme.buttonDown : Theme.button
        radius: 16
        border.color: Theme.buttonBorder
        border.width: 2
    }
}
