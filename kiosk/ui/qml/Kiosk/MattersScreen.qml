import QtQuick
import QtQuick.Layouts
import KioskStyle

ColumnLayout {
    id: page
    objectName: "screen_matters"
    required property var vm
    spacing: Theme.spacing
    KText {
        Layout.fillWidth: true
        text: page.vm.categoryName
        color: Theme.accent
        font.bold: true
    }
    KText {
        Layout.fillWidth: true
        text: qsTr("Choose your matter")
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
    TileGrid {
        Layout.fillWidth: true
        Layout.fillHeight: true
        portraitColumns: 1
        landscapeColumns: 2
        model: page.vm.matters
        onChosen: id => page.vm.chooseMatter(id)
    }
}
