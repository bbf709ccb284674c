import QtQuick

// A label in the board's languages: the main one large, the second one smaller and muted beneath
// (or beside it, with `inline`), so residents of either language read it without waiting.
Item {
    id: bi
    property string source
    property var args: []
    property int size: 40
    property real secondaryScale: 0.62
    property bool inline: false
    property bool bold: true
    property color color: theme.text
    property color secondaryColor: theme.textMuted
    readonly property var langs: board.languages
    readonly property alias primaryText: first.text
    implicitWidth: inline ? first.implicitWidth + (second.visible ? 24 + second.implicitWidth : 0)
                          : Math.max(first.implicitWidth, second.visible ? second.implicitWidth : 0)
    implicitHeight: inline ? first.implicitHeight
                           : first.implicitHeight + (second.visible ? second.implicitHeight - 6 : 0)

    function format(lang) {
        var s = Texts.t(source, lang)
        for (var i = 0; i < args.length; ++i)
            s = s.arg(args[i])
        return s
    }

    Text {
        id: first
        text: bi.format(bi.langs[0])
        color: bi.color
        font.pixelSize: bi.size
        font.bold: bi.bold
    }
    Text {
        id: second
        visible: bi.langs.length > 1
        text: visible ? bi.format(bi.langs[1]) : ""
        color: bi.secondaryColor
        font.pixelSize: Math.round(bi.size * bi.secondaryScale)
        x: bi.inline ? first.implicitWidth + 24 : 0
        y: bi.inline ? 0 : first.implicitHeight - 6
        anchors.baseline: bi.inline ? first.baseline : undefined
    }
}
