import QtQuick

// Colour is never the only cue (design §3): the badge carries the symbol, the prefix letter and the
// colour's name in the board's languages.
Rectangle {
    id: badge
    property string colour: "blue"
    property int size: 40
    property bool compact: false
    readonly property var style: theme.colours[colour] || theme.colours["blue"]
    readonly property var langs: board.languages
    color: style.fill
    border.color: "#ffffff"
    border.width: Math.max(2, Math.round(size / 16))
    radius: size / 4
    implicitWidth: content.implicitWidth + size
    implicitHeight: content.implicitHeight + size / 3
    Row {
        id: content
        anchors.centerIn: parent
        spacing: badge.size / 3
        Text {
            text: badge.style.symbol + " " + badge.style.prefix
            color: badge.style.on_fill
            font.pixelSize: badge.size
            font.bold: true
            anchors.verticalCenter: parent.verticalCenter
        }
        Text {
            visible: !badge.compact
            text: Texts.colourName(badge.colour, badge.langs[0])
            color: badge.style.on_fill
            font.pixelSize: badge.size
            font.bold: true
            anchors.verticalCenter: parent.verticalCenter
        }
        Text {
            visible: !badge.compact && badge.langs.length > 1
            text: visible ? Texts.colourName(badge.colour, badge.langs[1]) : ""
            color: badge.style.on_fill
            font.pixelSize: Math.round(badge.size * 0.62)
            anchors.verticalCenter: parent.verticalCenter
        }
    }
}
