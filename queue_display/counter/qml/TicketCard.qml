import QtQuick
import QtQuick.Layouts

// The ticket called or being served at this counter, big enough to read at arm's length.
Rectangle {
    id: card
    property var s
    readonly property var t: s.current
    color: theme.surface
    radius: 14

    function reasonText(r) {
        switch (r) {
        case "age": return qsTr("elderly (from the ID card)")
        case "disability": return qsTr("disability")
        case "illness": return qsTr("serious illness")
        case "pregnancy": return qsTr("pregnancy")
        case "military": return qsTr("military / fire and rescue")
        }
        return r
    }
    function colourName(c) {
        var st = theme.colours[c]
        return st ? (s.locale === "zh_CN" ? st.name_zh : st.name_en) : c
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 10
        visible: !!card.t

        RowLayout {
            spacing: 16
            Rectangle {
                implicitWidth: statusLabel.implicitWidth + 24
                implicitHeight: statusLabel.implicitHeight + 10
                radius: 6
                color: card.t && card.t.status === "serving" ? theme.okFill : theme.infoFill
                border.color: theme.buttonBorder
                Text {
                    id: statusLabel
                    objectName: "currentStatus"
                    anchors.centerIn: parent
                    text: !card.t ? "" : card.t.status === "serving" ? qsTr("Being served") : qsTr("Called")
                    color: theme.text
                    font.pixelSize: 26
                    font.bold: true
                }
            }
            Text {
                objectName: "recallCount"
                visible: !!card.t && card.t.status === "called" && card.t.recalls >= 0
                text: !card.t ? "" : card.s.maxRecalls >= 0
                      ? qsTr("Recalls %1/%2").arg(card.t.recalls).arg(card.s.maxRecalls)
                      : qsTr("Recalls %1").arg(card.t.recalls)
                color: theme.textMuted
                font.pixelSize: 26
            }
        }
        RowLayout {
            spacing: 24
            Text {
                objectName: "currentNumber"
                text: card.t ? card.t.number : ""
                color: theme.text
                font.pixelSize: 112
                font.bold: true
            }
            ColourBadge {
                Layout.alignment: Qt.AlignVCenter
                colour: card.t ? card.t.colour : "blue"
                locale: card.s.locale
                textSize: 28
            }
        }
        Text {
            objectName: "currentMatter"
            Layout.fillWidth: true
            text: card.t ? card.t.matter : ""
            color: theme.text
            font.pixelSize: 30
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        // Why the ticket is green, for staff to check at the window; never shown anywhere public.
        Text {
            objectName: "greenReason"
            Layout.fillWidth: true
            visible: !!card.t && card.t.greenReason !== ""
            text: card.t ? card.colourName("green") + " · " + card.reasonText(card.t.greenReason) : ""
            color: theme.greenNote
            font.pixelSize: 28
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            Layout.fillWidth: true
            visible: !!card.t && card.t.greenReason !== "" && card.t.greenReason !== "age"
            text: qsTr("Declared at the kiosk: please check the certificate.")
            color: theme.textMuted
            font.pixelSize: 24
            wrapMode: Text.WordWrap
        }
        Item { Layout.fillHeight: true }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: parent.width - 48
        visible: !card.t
        spacing: 12
        Text {
            objectName: "noCurrent"
            Layout.fillWidth: true
            text: card.s.paused ? qsTr("This counter is paused") : qsTr("No ticket at this counter")
            color: theme.text
            font.pixelSize: 36
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
        Text {
            Layout.fillWidth: true
            text: card.s.paused ? qsTr("Press “Resume” to call again.") : qsTr("Press “Call next” to call the next resident.")
            color: theme.textMuted
            font.pixelSize: 26
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
    }
}
