import QtQuick

// A row that shrinks (never grows) to fit its width: long numbers (G1024) or long English window
// labels stay on screen instead of being cut off.
Item {
    id: fit
    default property alias content: row.data
    property alias spacing: row.spacing
    property int alignment: Qt.AlignLeft
    implicitHeight: row.implicitHeight
    readonly property real fitScale: row.implicitWidth > 0 ? Math.min(1, width / row.implicitWidth) : 1
    Row {
        id: row
        scale: fit.fitScale
        transformOrigin: fit.alignment === Qt.AlignHCenter ? Item.Top : Item.TopLeft
        x: fit.alignment === Qt.AlignHCenter ? (fit.width - implicitWidth) / 2 : 0
    }
}
