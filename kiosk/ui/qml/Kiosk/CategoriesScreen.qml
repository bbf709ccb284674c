import QtQuick
import QtQuick.Layouts
import KioskStyle

ColumnLayout {
    id: page
    objectName: "screen_categories"
    required property var vm
    spacing: Theme.spacing
    KText {
        Layout.fillWidth: true
        text: qsTr("What have you come for?")
        font.pixelSize: Theme.titlePx
        font.bold: true
    }
    TileGrid {
        Layout.fillWidth: true
        Layout.fillHeight: true
        model: page.vm.categories
        onChosen: id => page.vm.chooseCategory(id)
    }
}
