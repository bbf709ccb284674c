import QtQuick
import QtQuick.Layouts
import KioskStyle

// On every screen: hear the prompt again (再听一遍), the volume and a mute (GB/T 37668: sound must be
// controllable).
RowLayout {
    id: bar
    required property var vm
    spacing: Theme.spacing
    KButton {
        objectName: "hearAgain"
        text: qsTr("Hear it again")
        glyph: "♪"
        textPx: Theme.smallPx
        onClicked: bar.vm.hearAgain()
    }
    Item { Layout.fillWidth: true }
    KButton {
        objectName: "volumeDown"
        text: "−"
        Accessible.name: qsTr("Quieter")
        textPx: Theme.smallPx
        onClicked: bar.vm.changeVolume(-1)
    }
    KText {
        objectName: "volumeLevel"
        text: bar.vm.muted ? qsTr("Muted") : qsTr("Volume %1").arg(bar.vm.volume)
        font.pixelSize: Theme.smallPx
        wrapMode: Text.NoWrap
        horizontalAlignment: Text.AlignHCenter
    }
    KButton {
        objectName: "volumeUp"
        text: "+"
        Accessible.name: qsTr("Louder")
        textPx: Theme.smallPx
        onClicked: bar.vm.changeVolume(1)
    }
    KButton {
        objectName: "mute"
        text: bar.vm.muted ? qsTr("Sound on") : qsTr("Mute")
        textPx: Theme.smallPx
        onClicked: bar.vm.toggleMute()
    }
}
