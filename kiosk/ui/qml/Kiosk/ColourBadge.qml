import QtQuick
import KioskStyle

// The ticket colour with its symbol and name: colour is never the only cue.
Rectangle {
    id: badge
    property string colour: "blue"
    property string name: ""
    readonly property var style: Theme.colours[colour] || Theme.colours.blue
    implicitWidth: label.implicitWidth + 2 * Theme.spacing
    implicitHeight: label.implicitHeight + Theme.spacing
    radius: 12
    color: style.fill
    border.color: Theme.text
    border.width: 2
    Text {
        id: label
        anchors.centerIn: parent
        text: badge.style.symbol + " " + badge.name
        color: badge.style.onFill
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
}
