import QtQuick

// Colour is never the only cue (design §3): the badge carries the symbol and the name too.
Rectangle {
    id: badge
    property string colour: "blue"
    property string locale: "zh_CN"
    property int textSize: 26
    readonly property var style: theme.colours[colour] || theme.colours.blue
    implicitWidth: label.implicitWidth + 28
    implicitHeight: label.implicitHeight + 14
    radius: 8
    color: style.fill
    border.color: theme.text
    border.width: 1
    Text {
        id: label
        anchors.centerIn: parent
        text: badge.style.symbol + " " + (badge.locale === "zh_CN" ? badge.style.name_zh : badge.style.name_en)
        color: badge.style.on_fill
        font.pixelSize: badge.textSize
        font.bold: true
    }
}
