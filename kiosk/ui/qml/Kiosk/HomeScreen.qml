import QtQuick
import QtQuick.Layouts
import KioskStyle

// Home. Standard mode: one big "take a ticket" button, elder mode and the language. Elder mode shows the
// categories here, so an elderly resident is one tap closer to a ticket.
ColumnLayout {
    id: home
    objectName: "screen_home"
    required property var vm
    spacing: Theme.spacing * 1.5

    KText {
        Layout.fillWidth: true
        text: qsTr("Community Service Hall")
        font.pixelSize: Theme.titlePx
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
    }
    KText {
        Layout.fillWidth: true
        text: home.vm.homeShowsCategories ? qsTr("Tap what you have come for")
                                          : qsTr("Welcome. Tap below to take a queue number.")
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
    }

    // --- standard mode ---
    Item { Layout.fillHeight: true; visible: !home.vm.homeShowsCategories }
    KButton {
        objectName: "takeTicket"
        visible: !home.vm.homeShowsCategories
        primary: true
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.tilePx * 2
        text: qsTr("Take a ticket")
        glyph: "▶"
        font.pixelSize: Theme.titlePx * 1.3
        font.bold: true
        onClicked: home.vm.startTicket()
    }
    KText {
        visible: !home.vm.homeShowsCategories
        Layout.fillWidth: true
        text: qsTr("You may place your ID card on the reader at any time.")
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
    }
    Item { Layout.fillHeight: true; visible: !home.vm.homeShowsCategories }

    // --- elder mode ---
    TileGrid {
        visible: home.vm.homeShowsCategories
        Layout.fillWidth: true
        Layout.fillHeight: true
        model: home.vm.homeShowsCategories ? home.vm.categories : []
        onChosen: id => home.vm.chooseCategory(id)
    }

    GridLayout {
        Layout.fillWidth: true
        columns: 3
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacing
        KButton {
            objectName: "elderMode"
            Layout.fillWidth: true
            Layout.preferredHeight: home.vm.elder ? Theme.buttonPx : Theme.tilePx
            text: home.vm.elder ? qsTr("Standard mode") : qsTr("Elder mode")
            glyph: home.vm.elder ? "" : "◎"
            font.pixelSize: home.vm.elder ? Theme.bodyPx : Theme.titlePx
            onClicked: home.vm.setElder(!home.vm.elder)
        }
        // Language names are written in their own language, as everywhere: not translated.
        KButton {
            objectName: "lang_zh_CN"
            Layout.fillWidth: true
            Layout.preferredHeight: home.vm.elder ? Theme.buttonPx : Theme.tilePx
            checked: home.vm.lang === "zh_CN"
            glyph: checked ? "✓" : ""
            text: "中文"
            onClicked: home.vm.setLanguage("zh_CN")
        }
        KButton {
            objectName: "lang_en"
            Layout.fillWidth: true
            Layout.preferredHeight: home.vm.elder ? Theme.buttonPx : Theme.tilePx
            checked: home.vm.lang === "en"
            glyph: checked ? "✓" : ""
            text: "English"
            onClicked: home.vm.setLanguage("en")
        }
    }
}
