import QtQuick

// People waiting per colour: badge (symbol, letter, name) and the count.
Item {
    id: panel
    BiText {
        id: title
        inline: true
        size: 40
        source: Texts.waiting
    }
    Column {
        anchors.top: title.bottom
        anchors.topMargin: 8
        width: panel.width
        spacing: 10
        Repeater {
            model: board.waiting
            delegate: Rectangle {
                objectName: "waiting_" + modelData.colour
                readonly property int count: modelData.count
                width: panel.width
                height: 82
                radius: 12
                color: theme.surface
                ColourBadge {
                    anchors.left: parent.left
                    anchors.leftMargin: 20
                    anchors.verticalCenter: parent.verticalCenter
                    colour: modelData.colour
                    size: 36
                }
                Text {
                    anchors.right: parent.right
                    anchors.rightMargin: 28
                    anchors.verticalCenter: parent.verticalCenter
                    text: modelData.count
                    color: theme.text
                    font.pixelSize: 72
                    font.bold: true
                }
            }
        }
    }
}
