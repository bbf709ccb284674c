import QtQuick

// The calls before the latest, newest first: "B011 → 2 号窗口", two columns.
Item {
    id: panel
    readonly property var langs: board.languages
    readonly property int rows: 3
    readonly property int cellHeight: 82

    BiText {
        id: title
        inline: true
        size: 40
        source: Texts.previousCalls
    }

    Grid {
        objectName: "previousCalls"
        anchors.top: title.bottom
        anchors.topMargin: 8
        columns: 2
        flow: Grid.TopToBottom
        rows: panel.rows
        columnSpacing: 20
        rowSpacing: 10
        Repeater {
            model: panel.rows * 2
            delegate: Rectangle {
                readonly property var call: index < board.previous.length ? board.previous[index] : null
                objectName: "previousCall" + index
                readonly property string number: call ? call.number : ""
                width: (panel.width - 20) / 2
                height: panel.cellHeight
                radius: 12
                color: theme.surface
                FitRow {
                    visible: parent.call !== null
                    anchors.left: parent.left
                    anchors.leftMargin: 20
                    anchors.verticalCenter: parent.verticalCenter
                    width: parent.width - 40
                    spacing: 22
                    ColourBadge {
                        id: badge
                        compact: true
                        size: 36
                        colour: call ? call.colour : "blue"
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Text {
                        id: num
                        text: call ? call.number : ""
                        color: theme.text
                        font.pixelSize: 64
                        font.bold: true
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Text {
                        anchors.baseline: num.baseline
                        text: "→"
                        color: theme.accent
                        font.pixelSize: 48
                        font.bold: true
                    }
                    Text {
                        anchors.baseline: num.baseline
                        text: call ? Texts.windowText(call.window, panel.langs[0]) : ""
                        color: theme.text
                        font.pixelSize: 52
                        font.bold: true
                    }
                }
            }
        }
    }
}
