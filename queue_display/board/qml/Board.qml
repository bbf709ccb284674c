import QtQuick
import QtQuick.Window

// The hall's call board, laid out on a 1920x1080 canvas and scaled to the screen it runs on.
Window {
    id: root
    objectName: "boardWindow"
    width: 1920
    height: 1080
    color: theme.background
    title: qsTr("Call board")

    Item {
        id: canvas
        objectName: "canvas"
        width: 1920
        height: 1080
        anchors.centerIn: parent
        scale: Math.min(root.width / width, root.height / height)

        Header { x: 48; y: 16; width: 1824; height: 120 }
        LatestCall { x: 48; y: 146; width: 1824; height: 466 }
        PreviousCalls { x: 48; y: 630; width: 1110; height: 345 }
        WaitingPanel { x: 1190; y: 630; width: 682; height: 345 }
        Ticker { x: 0; y: 990; width: 1920; height: 90 }
    }
}
