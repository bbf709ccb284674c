import QtQuick

// Hall name, the state of the link to the back office and of the voice, and the clock.
Item {
    id: header
    readonly property var langs: board.languages
    property date now: new Date()

    Timer {
        // The text only changes once a minute, so the clock costs one repaint a minute.
        interval: 1000; running: true; repeat: true
        onTriggered: header.now = new Date()
    }

    Column {
        anchors.left: parent.left
        anchors.verticalCenter: parent.verticalCenter
        width: parent.width - clock.width - chips.width - 80
        Text {
            objectName: "hallName"
            width: parent.width
            elide: Text.ElideRight
            text: header.langs[0] === "zh_CN" ? board.hallName : (board.hallNameEn || board.hallName)
            color: theme.text
            font.pixelSize: 44
            font.bold: true
        }
        Text {
            width: parent.width
            elide: Text.ElideRight
            visible: header.langs.length > 1
            text: header.langs[1] === "zh_CN" ? board.hallName : board.hallNameEn
            color: theme.textMuted
            font.pixelSize: 28
        }
    }

    Row {
        id: chips
        anchors.right: clock.left
        anchors.rightMargin: 40
        anchors.verticalCenter: parent.verticalCenter
        spacing: 20

        Rectangle {
            objectName: "connectionIndicator"
            visible: board.connection !== "connected"
            property string text: connText.primaryText
            color: theme.errorFill
            border.color: "#ffffff"
            border.width: 3
            radius: 12
            width: connText.implicitWidth + 48
            height: connText.implicitHeight + 20
            BiText {
                id: connText
                anchors.centerIn: parent
                inline: true
                size: 40
                source: Texts.connectionSource(board.connection)
                secondaryColor: "#ffffff"
            }
        }

        Rectangle {
            objectName: "voiceIndicator"
            visible: !board.voiceOk
            color: theme.errorFill
            border.color: "#ffffff"
            border.width: 3
            radius: 12
            width: voiceText.implicitWidth + 40
            height: voiceText.implicitHeight + 16
            BiText {
                id: voiceText
                anchors.centerIn: parent
                inline: true
                size: 30
                source: Texts.voiceUnavailable
                secondaryColor: "#ffffff"
            }
        }
    }

    Column {
        id: clock
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        Text {
            objectName: "clock"
            anchors.right: parent.right
            text: Qt.formatTime(header.now, "HH:mm")
            color: theme.text
            font.pixelSize: 64
            font.bold: true
        }
        Text {
            anchors.right: parent.right
            text: Texts.dateText(header.now, header.langs[0])
            color: theme.textMuted
            font.pixelSize: 26
        }
    }
}
