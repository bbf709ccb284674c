import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The resident-facing rating pad of one counter (好差评): idle, the five levels, reasons, thanks.
ApplicationWindow {
    id: win
    width: 1280
    height: 800
    minimumWidth: 1024
    minimumHeight: 700
    visible: true
    color: theme.background
    title: qsTr("Service rating")
    readonly property var s: backend.state

    function levelText(level) {
        switch (level) {
        case 5: return qsTr("Very satisfied")
        case 4: return qsTr("Satisfied")
        case 3: return qsTr("Fairly satisfied")
        case 2: return qsTr("Dissatisfied")
        case 1: return qsTr("Very dissatisfied")
        }
        return ""
    }
    function tagText(tag) {
        switch (tag) {
        case "efficiency": return qsTr("Efficiency")
        case "competence": return qsTr("Competence")
        case "attitude": return qsTr("Attitude")
        case "guidance": return qsTr("Guidance")
        case "environment": return qsTr("Environment")
        case "other": return qsTr("Other")
        }
        return tag
    }

    // --- idle: nothing to rate ---
    ColumnLayout {
        objectName: "idleScreen"
        anchors.centerIn: parent
        width: parent.width - 120
        visible: win.s.screen === "idle"
        spacing: 28
        Text {
            Layout.fillWidth: true
            text: qsTr("Service rating")
            color: theme.text
            font.pixelSize: 60
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            Layout.fillWidth: true
            visible: win.s.window > 0
            text: qsTr("Window %1").arg(win.s.window)
            color: theme.accent
            font.pixelSize: 44
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            Layout.fillWidth: true
            text: qsTr("When your matter is done, you can rate our service here.")
            color: theme.textMuted
            font.pixelSize: 36
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: "offline"
            Layout.fillWidth: true
            visible: !win.s.connected
            text: qsTr("The rating pad is reconnecting…")
            color: theme.textMuted
            font.pixelSize: 32
            horizontalAlignment: Text.AlignHCenter
        }
    }

    // --- the five levels, none preselected; skipping is as easy as rating ---
    ColumnLayout {
        objectName: "levelsScreen"
        anchors.fill: parent
        anchors.margins: 40
        visible: win.s.screen === "levels"
        spacing: 24
        Text {
            objectName: "ratingPrompt"
            Layout.fillWidth: true
            text: qsTr("Please rate this service")
            color: theme.text
            font.pixelSize: 52
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            Layout.fillWidth: true
            text: qsTr("Number %1 · Rating is voluntary; you may skip it.").arg(win.s.number)
            color: theme.textMuted
            font.pixelSize: 32
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 20
            Repeater {
                model: [5, 4, 3, 2, 1]
                LevelButton {
                    objectName: "level_" + modelData
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    level: modelData
                    label: win.levelText(modelData)
                    onClicked: backend.choose(modelData)
                }
            }
        }
        PadButton {
            objectName: "skipRating"
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 420
            text: qsTr("Skip")
            onClicked: backend.skip()
        }
    }

    // --- reasons for the lower two levels: several or none ---
    ColumnLayout {
        objectName: "reasonsScreen"
        anchors.fill: parent
        anchors.margins: 40
        visible: win.s.screen === "reasons"
        spacing: 24
        Text {
            Layout.fillWidth: true
            text: qsTr("What was not satisfactory?")
            color: theme.text
            font.pixelSize: 52
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            Layout.fillWidth: true
            text: qsTr("You rated: %1. Choose any reasons, or none, then submit.").arg(win.levelText(win.s.level))
            color: theme.textMuted
            font.pixelSize: 32
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
        GridLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            columns: 3
            rowSpacing: 20
            columnSpacing: 20
            Repeater {
                model: ["efficiency", "competence", "attitude", "guidance", "environment", "other"]
                PadButton {
                    readonly property bool on: win.s.tags.indexOf(modelData) >= 0
                    objectName: "tag_" + modelData
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    selected: on
                    text: (on ? "☑ " : "☐ ") + win.tagText(modelData)
                    textSize: 34
                    onClicked: backend.toggle(modelData)
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 20
            PadButton {
                objectName: "backToLevels"
                Layout.fillWidth: true
                text: qsTr("Back")
                onClicked: backend.back()
            }
            PadButton {
                objectName: "submitRating"
                Layout.fillWidth: true
                primary: true
                text: qsTr("Submit")
                onClicked: backend.submit()
            }
        }
    }

    // --- thanks, then quietly back to idle ---
    ColumnLayout {
        objectName: "thanksScreen"
        anchors.centerIn: parent
        width: parent.width - 120
        visible: win.s.screen === "thanks"
        spacing: 24
        Text {
            Layout.fillWidth: true
            text: qsTr("Thank you for your rating!")
            color: theme.text
            font.pixelSize: 64
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
        Text {
            Layout.fillWidth: true
            text: qsTr("We will keep improving our service.")
            color: theme.textMuted
            font.pixelSize: 36
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
    }
}
