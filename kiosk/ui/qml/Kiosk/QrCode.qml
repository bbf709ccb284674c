import QtQuick

// A QR code from the view-model's module matrix, drawn as squares on a white quiet zone (4 modules).
Rectangle {
    id: qr
    property var modules: []
    property int size: 0
    property real side: 240
    readonly property real module: side / (size + 8)
    width: side
    height: side
    color: "#ffffff"
    Accessible.role: Accessible.Graphic
    Repeater {
        model: qr.modules.length
        Rectangle {
            visible: qr.modules[index]
            x: (index % qr.size + 4) * qr.module
            y: (Math.floor(index / qr.size) + 4) * qr.module
            width: Math.ceil(qr.module)
            height: Math.ceil(qr.module)
            color: "#000000"
        }
    }
}
