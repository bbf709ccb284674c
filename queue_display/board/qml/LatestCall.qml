import QtQuick

// The latest call, huge: "G012 → 3 号窗口". A new call flashes the band `board.flashTimes` times at
// 2.5 flashes a second (at most 3 a second: GB/T 37668, WCAG 2.3.1), then stays highlighted.
Rectangle {
    id: band
    objectName: "latestCall"
    readonly property var call: board.latest
    readonly property bool hasCall: call.number !== undefined
    readonly property var langs: board.languages
    readonly property var windowParts: Texts.windowParts(langs[0])
    // What tests read: the number and window as shown, and the flash cadence.
    readonly property string number: hasCall ? call.number : ""
    readonly property string windowNumber: hasCall && call.window !== null ? String(call.window) : ""
    readonly property int flashOnMs: 200
    readonly property int flashOffMs: 200
    readonly property real flashesPerSecond: 1000 / (flashOnMs + flashOffMs)
    property int flashCount: 0
    property bool lit: false
    readonly property color ink: lit ? theme.background : theme.text

    color: lit ? theme.accent : theme.surface
    radius: 20
    border.color: theme.accent
    border.width: hasCall ? 6 : 2

    // Only calls that happen while the board runs flash; the snapshot's last call at start-up does not.
    readonly property int callSerial: board.callSerial
    onCallSerialChanged: {
        if (board.flashTimes > 0 && band.hasCall) {
            band.flashCount = 0
            flash.restart()
        }
    }

    SequentialAnimation {
        id: flash
        loops: Math.max(1, board.flashTimes)
        ScriptAction { script: { band.lit = true; band.flashCount += 1 } }
        PauseAnimation { duration: band.flashOnMs }
        PropertyAction { target: band; property: "lit"; value: false }
        PauseAnimation { duration: band.flashOffMs }
    }

    // Top line: "正在呼叫 Now calling", the colour badge, and "重呼 Recall" when it is one.
    Text {
        id: label
        x: 48
        y: 78 - baselineOffset
        text: Texts.t(Texts.nowCalling, band.langs[0])
        color: band.ink
        font.pixelSize: 52
        font.bold: true
    }
    Text {
        anchors.left: label.right
        anchors.leftMargin: 24
        anchors.baseline: label.baseline
        visible: band.langs.length > 1
        text: visible ? Texts.t(Texts.nowCalling, band.langs[1]) : ""
        color: band.lit ? theme.background : theme.textMuted
        font.pixelSize: 34
    }
    Row {
        anchors.right: parent.right
        anchors.rightMargin: 40
        y: 24
        spacing: 24
        Rectangle {
            objectName: "recallChip"
            visible: band.hasCall && band.call.recall > 0
            color: theme.errorFill
            border.color: "#ffffff"
            border.width: 3
            radius: 12
            width: recallText.implicitWidth + 40
            height: 72
            BiText {
                id: recallText
                anchors.centerIn: parent
                inline: true
                size: 40
                source: Texts.recall
                secondaryColor: "#ffffff"
            }
        }
        ColourBadge {
            objectName: "latestBadge"
            visible: band.hasCall
            colour: band.hasCall ? band.call.colour : "blue"
            size: 44
            height: 72
        }
    }

    // The call itself, on one baseline so that sizes can differ and still read as one line.
    FitRow {
        id: main
        objectName: "latestRow"
        visible: band.hasCall
        x: 48
        width: parent.width - 96
        y: (band.langs.length > 1 ? 340 : 372) - bigNumber.baselineOffset * fitScale
        alignment: Qt.AlignHCenter
        spacing: 40
        Text {
            id: bigNumber
            objectName: "latestNumber"
            text: band.number
            color: band.ink
            font.pixelSize: 300
            font.bold: true
        }
        Text {
            anchors.baseline: bigNumber.baseline
            text: "→"
            color: band.lit ? theme.background : theme.accent
            font.pixelSize: 200
            font.bold: true
        }
        Text {
            anchors.baseline: bigNumber.baseline
            visible: text !== ""
            text: band.windowParts[0]
            color: band.ink
            font.pixelSize: 120
            font.bold: true
        }
        Text {
            objectName: "latestWindow"
            anchors.baseline: bigNumber.baseline
            text: band.windowNumber
            color: band.ink
            font.pixelSize: 300
            font.bold: true
        }
        Text {
            anchors.baseline: bigNumber.baseline
            visible: text !== ""
            text: band.windowParts[1]
            color: band.ink
            font.pixelSize: 120
            font.bold: true
        }
    }

    // The same call in the second language, for residents who do not read the first.
    Text {
        objectName: "latestSecondary"
        visible: band.hasCall && band.langs.length > 1
        anchors.horizontalCenter: parent.horizontalCenter
        y: 430 - baselineOffset
        text: visible ? band.number + "  →  " + Texts.windowText(band.windowNumber, band.langs[1]) : ""
        color: band.lit ? theme.background : theme.textMuted
        font.pixelSize: 56
        font.bold: true
    }

    BiText {
        visible: !band.hasCall
        anchors.centerIn: parent
        size: 72
        source: Texts.noCalls
        color: theme.textMuted
    }
}
