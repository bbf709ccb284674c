pragma Singleton
import QtQuick

// Every string the board shows. Sources are English, marked for lupdate with the context "Board";
// i18n.t(source, lang) looks each up in that language's QTranslator (locales/<lang>/board.qm).
QtObject {
    readonly property string nowCalling: QT_TRANSLATE_NOOP("Board", "Now calling")
    readonly property string recall: QT_TRANSLATE_NOOP("Board", "Recall")
    readonly property string noCalls: QT_TRANSLATE_NOOP("Board", "Waiting for the first call")
    readonly property string previousCalls: QT_TRANSLATE_NOOP("Board", "Previous calls")
    readonly property string waiting: QT_TRANSLATE_NOOP("Board", "Waiting")
    readonly property string windowFmt: QT_TRANSLATE_NOOP("Board", "Window %1")
    readonly property string callFmt: QT_TRANSLATE_NOOP("Board", "%1, please go to window %2")
    readonly property string recallFmt: QT_TRANSLATE_NOOP("Board", "Second call: %1, please go to window %2")
    readonly property string searching: QT_TRANSLATE_NOOP("Board", "Looking for the hall…")
    readonly property string connecting: QT_TRANSLATE_NOOP("Board", "Connecting…")
    readonly property string reconnecting: QT_TRANSLATE_NOOP("Board", "Reconnecting…")
    readonly property string refused: QT_TRANSLATE_NOOP("Board", "Display not authorised: please call staff")
    readonly property string voiceUnavailable: QT_TRANSLATE_NOOP("Board", "Voice unavailable")
    readonly property string dateFormat: QT_TRANSLATE_NOOP("Board", "dddd d MMMM")

    function t(source, lang) { return i18n.t(source, lang) }

    function windowText(win, lang) { return t(windowFmt, lang).arg(win) }

    // "Window %1" is "%1 号窗口" in Chinese: the words go before or after the big number.
    function windowParts(lang) {
        var s = t(windowFmt, lang)
        var at = s.indexOf("%1")
        return [s.slice(0, at).trim(), s.slice(at + 2).trim()]
    }

    function callText(call, lang) {
        if (!call || !call.number)
            return ""
        return t(call.recall > 0 ? recallFmt : callFmt, lang).arg(call.number).arg(call.window)
    }

    function colourName(key, lang) {
        var c = theme.colours[key]
        return c ? (lang === "zh_CN" ? c.name_zh : c.name_en) : key
    }

    function connectionSource(state) {
        switch (state) {
        case "searching": return searching
        case "reconnecting": return reconnecting
        case "refused": return refused
        }
        return connecting
    }

    function dateText(now, lang) {
        return now.toLocaleDateString(Qt.locale(lang === "zh_CN" ? "zh_CN" : "en_GB"), t(dateFormat, lang))
    }
}
