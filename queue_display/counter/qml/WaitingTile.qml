import QtQuick
import QtQuick.Layouts

// How many wait for this counter in one colour: symbol, name and count, never the colour alone.
Rectangle {
    id: tile
    property string colour: "blue"
    property string locale: "zh_CN"
    property int count: 0
    readonly property var style: theme.colours[colour]
    color: style.fill
    radius: 12
    border.color: theme.text
    border.width: 1
    implicitHeight: 120
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        spacing: 0
        Text {
            Layout.fillWidth: true
            text: tile.style.symbol + " " + (tile.locale === "zh_CN" ? tile.style.name_zh : tile.style.name_en)
            color: tile.style.on_fill
            font.pixelSize: 24
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            elide: Text.ElideRight
        }
        Text {
            objectName: "waiting_" + tile.colour
            Layout.fillWidth: true
            Layout.fillHeight: true
            text: tile.count
            color: tile.style.on_fill
            font.pixelSize: 52
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }
}
