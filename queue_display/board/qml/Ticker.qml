import QtQuick

// A scrolling line repeating the voice text of the latest call (for residents who cannot hear it),
// in each board language, followed by the hall's notices. A new call restarts it, so its text
// enters at once instead of after the rest of the line.
Rectangle {
    id: ticker
    objectName: "ticker"
    color: "#000000"
    clip: true
    readonly property var langs: board.languages
    readonly property real pixelsPerSecond: 150
    readonly property string text: {
        var parts = []
        for (var i = 0; i < langs.length; ++i) {
            var said = Texts.callText(board.latest, langs[i])
            if (said !== "")
                parts.push(said)
        }
        return parts.concat(board.notices).join("　　•　　")
    }
    Rectangle { anchors.top: parent.top; width: parent.width; height: 3; color: theme.accent }
    Text {
        id: line
        objectName: "tickerText"
        y: (ticker.height - height) / 2
        text: ticker.text
        color: theme.accent
        font.pixelSize: 50
        font.bold: true
    }
    NumberAnimation {
        id: scroll
        target: line
        property: "x"
        from: ticker.width
        to: -line.implicitWidth
        duration: Math.max(1000, (ticker.width + line.implicitWidth) / ticker.pixelsPerSecond * 1000)
        loops: Animation.Infinite
        running: ticker.text !== ""
    }
    onTextChanged: scroll.restart()
}
