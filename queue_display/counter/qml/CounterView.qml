import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The signed-in counter: who and where, the current ticket, who waits, the actions, and what just happened.
Rectangle {
    id: view
    property var s
    readonly property var en: s.enabled || ({})
    color: theme.background

    function noticeText(n) {
        if (!n) return ""
        if (n.kind === "error") {
            if (n.code === "unreachable")
                return qsTr("The back office did not answer, so the action may not have been done. Reconnecting…")
            return n.text || n.code
        }
        switch (n.code) {
        case "none_waiting": return qsTr("No one is waiting for this counter.")
        case "call_next": return qsTr("Called %1.").arg(n.number)
        case "recall": return qsTr("Recalled %1 (%2).").arg(n.number).arg(n.recalls)
        case "no_show": return qsTr("%1 marked as no-show.").arg(n.number)
        case "start": return qsTr("Serving %1.").arg(n.number)
        case "finish": return qsTr("%1 finished. The resident can now rate the service.").arg(n.number)
        case "transfer": return qsTr("%1 transferred to “%2”.").arg(n.number).arg(n.to)
        case "pause": return qsTr("Counter paused: no tickets are called here.")
        case "resume": return qsTr("Counter resumed.")
        case "reinstate": return qsTr("%1 is waiting again.").arg(n.number)
        }
        return n.code
    }
    function ledText(code) {
        switch (code) {
        case "led.unplugged": return qsTr("Window display not connected")
        case "led.timeout": return qsTr("Window display does not answer")
        case "led.nak": return qsTr("Window display refused the number")
        case "led.settings": return qsTr("Window display is not configured")
        }
        return qsTr("Window display fault")
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // --- who and where ---
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 84
            color: theme.surface
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 24
                anchors.rightMargin: 16
                spacing: 20
                Text {
                    objectName: "counterTitle"
                    // Most halls name a counter after its window ("3号窗口"): then the name says it all.
                    text: !view.s.counterName ? view.s.counterId
                          : view.s.counterName.indexOf(String(view.s.window)) >= 0 ? view.s.counterName
                          : qsTr("%1 · window %2").arg(view.s.counterName).arg(view.s.window)
                    color: theme.text
                    font.pixelSize: 32
                    font.bold: true
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Rectangle {
                    visible: view.s.paused
                    implicitWidth: pausedLabel.implicitWidth + 24
                    implicitHeight: pausedLabel.implicitHeight + 10
                    radius: 6
                    color: theme.warnFill
                    Text {
                        id: pausedLabel
                        objectName: "pausedChip"
                        anchors.centerIn: parent
                        text: "❚❚ " + qsTr("Paused")
                        color: theme.text
                        font.pixelSize: 26
                        font.bold: true
                    }
                }
                Text {
                    objectName: "ledWarning"
                    visible: view.s.ledWarning !== ""
                    text: "⚠ " + view.ledText(view.s.ledWarning)
                    color: theme.accent
                    font.pixelSize: 24
                }
                Text {
                    objectName: "staffName"
                    text: qsTr("Staff: %1").arg(view.s.staff)
                    color: theme.textMuted
                    font.pixelSize: 26
                }
                BigButton {
                    objectName: "logoutButton"
                    implicitHeight: 64
                    implicitWidth: 150
                    textSize: 24
                    text: qsTr("Sign out")
                    enabled: !view.s.busy
                    onClicked: backend.logout()
                }
            }
        }

        // --- the back office is away: say so, and every action waits ---
        Rectangle {
            objectName: "offlineBanner"
            Layout.fillWidth: true
            Layout.preferredHeight: 72
            visible: !view.s.connected
            color: theme.errorFill
            Text {
                objectName: "offlineText"
                anchors.fill: parent
                anchors.leftMargin: 24
                text: "⚠ " + qsTr("Cannot reach the back office. Retrying… Actions are paused until it is back.")
                color: theme.text
                font.pixelSize: 26
                font.bold: true
                verticalAlignment: Text.AlignVCenter
                elide: Text.ElideRight
            }
        }

        // --- kiosks calling for staff (值班员指导): one row per open call, until a counter answers it ---
        Repeater {
            model: view.s.helpCalls || []
            delegate: Rectangle {
                required property var modelData
                required property int index
                objectName: "helpBanner" + index
                Layout.fillWidth: true
                Layout.preferredHeight: 80
                color: theme.warnFill
                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: 24
                    anchors.rightMargin: 16
                    spacing: 16
                    Text {
                        objectName: "helpText" + index
                        text: "☎ " + qsTr("%1 needs help").arg(modelData.kiosk)
                        color: theme.text
                        font.pixelSize: 26
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    BigButton {
                        objectName: "helpAnswer" + index
                        implicitHeight: 64
                        implicitWidth: 220
                        textSize: 24
                        text: qsTr("On my way")
                        onClicked: backend.answerHelp(modelData.id)
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 20
            spacing: 20

            ColumnLayout {
                Layout.fillHeight: true
                Layout.preferredWidth: 600
                Layout.fillWidth: true
                spacing: 16
                TicketCard {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    s: view.s
                }
                Text {
                    text: qsTr("Waiting for this counter")
                    color: theme.textMuted
                    font.pixelSize: 24
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    Repeater {
                        model: ["green", "yellow", "blue"]
                        WaitingTile {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                            colour: modelData
                            locale: view.s.locale
                            count: view.s.waiting ? view.s.waiting[modelData] : 0
                        }
                    }
                }
            }

            GridLayout {
                Layout.fillHeight: true
                Layout.preferredWidth: 560
                Layout.fillWidth: true
                columns: 2
                rowSpacing: 14
                columnSpacing: 14
                BigButton {
                    objectName: "callNextButton"
                    Layout.fillWidth: true; Layout.fillHeight: true; Layout.columnSpan: 2
                    primary: true
                    symbol: "▶"
                    textSize: 34
                    text: qsTr("Call next")
                    enabled: !!view.en.call_next
                    onClicked: backend.act("call_next")
                }
                BigButton {
                    objectName: "recallButton"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    symbol: "↻"
                    text: qsTr("Recall")
                    enabled: !!view.en.recall
                    onClicked: backend.act("recall")
                }
                BigButton {
                    objectName: "noShowButton"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    symbol: "✕"
                    text: qsTr("No-show")
                    enabled: !!view.en.no_show
                    onClicked: backend.act("no_show")
                }
                BigButton {
                    objectName: "startButton"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    symbol: "●"
                    text: qsTr("Start")
                    enabled: !!view.en.start
                    onClicked: backend.act("start")
                }
                BigButton {
                    objectName: "finishButton"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    symbol: "✓"
                    text: qsTr("Finish")
                    enabled: !!view.en.finish
                    onClicked: backend.act("finish")
                }
                BigButton {
                    objectName: "transferButton"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    symbol: "⇄"
                    text: qsTr("Transfer")
                    enabled: !!view.en.transfer
                    onClicked: transferPicker.open()
                }
                BigButton {
                    objectName: "pauseButton"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    symbol: view.s.paused ? "▶" : "❚❚"
                    text: view.s.paused ? qsTr("Resume") : qsTr("Pause")
                    enabled: view.s.paused ? !!view.en.resume : !!view.en.pause
                    onClicked: backend.act(view.s.paused ? "resume" : "pause")
                }
                BigButton {
                    objectName: "reinstateButton"
                    Layout.fillWidth: true; Layout.fillHeight: true; Layout.columnSpan: 2
                    symbol: "↩"
                    text: qsTr("Reinstate a no-show")
                    enabled: !!view.en.reinstate
                    onClicked: { backend.loadNoShows(); reinstatePicker.open() }
                }
            }
        }

        // --- what the last action did, or why the back office refused it ---
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 76
            readonly property var n: view.s.notice
            color: view.s.busy ? theme.surface
                  : !n ? theme.surface
                  : n.kind === "error" ? theme.errorFill
                  : n.kind === "info" ? theme.infoFill : theme.okFill
            Text {
                objectName: "notice"
                anchors.fill: parent
                anchors.leftMargin: 24
                anchors.rightMargin: 24
                readonly property var n: view.s.notice
                text: view.s.busy ? qsTr("Working…")
                      : !n ? qsTr("Ready.")
                      : (n.kind === "error" ? "✕  " : n.kind === "info" ? "ℹ  " : "✓  ") + view.noticeText(n)
                color: theme.text
                font.pixelSize: 26
                font.bold: !!n && n.kind === "error"
                verticalAlignment: Text.AlignVCenter
                wrapMode: Text.WordWrap
                maximumLineCount: 2
                elide: Text.ElideRight
            }
        }
    }

    Picker {
        id: transferPicker
        anchors.fill: parent
        title: qsTr("Transfer %1 to another matter").arg(view.s.current ? view.s.current.number : "")
        prefix: "transferTo_"
        cancelName: "transferCancel"
        emptyText: qsTr("No other matter in the catalogue.")
        items: (view.s.matters || []).map(function (m) { return { id: m.id, key: m.id, label: m.name } })
        onChosen: function (id) { backend.transfer(id) }
    }
    Picker {
        id: reinstatePicker
        anchors.fill: parent
        title: qsTr("Reinstate a no-show of today (it goes back into the queue)")
        prefix: "reinstate_"
        cancelName: "reinstateCancel"
        loading: view.s.noShows === null || view.s.noShows === undefined
        emptyText: qsTr("No no-shows at this counter today.")
        items: (view.s.noShows || []).map(function (t) {
            return { id: t.id, key: t.number, label: t.number + "  ·  " + t.matter }
        })
        onChosen: function (id) { backend.reinstate(id) }
    }
}
