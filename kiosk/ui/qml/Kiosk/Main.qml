import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import KioskStyle

// The resident kiosk: the current screen of the flow (the view-model decides which), the sound controls on
// top, back/home and the countdown below, and the idle warning and elder-mode offer over everything.
ApplicationWindow {
    id: root
    required property var vm
    width: 1080
    height: 1920
    visible: true
    color: Theme.background
    title: qsTr("Take a ticket")

    Binding { target: Theme; property: "elder"; value: root.vm.elder }
    Binding { target: Theme; property: "portrait"; value: root.height >= root.width }

    function pageFor(screen) {
        switch (screen) {
        case "home": return homePage
        case "categories": return categoriesPage
        case "matters": return mattersPage
        case "identify": return identifyPage
        case "green_reasons": return greenPage
        case "confirm": return confirmPage
        case "issuing": return issuingPage
        case "ticket": return ticketPage
        case "reprint_offer": return reprintPage
        case "refused": return refusedPage
        case "closed": return closedPage
        case "out_of_service": return outPage
        }
        return outPage
    }

    Component { id: homePage; HomeScreen { vm: root.vm } }
    Component { id: categoriesPage; CategoriesScreen { vm: root.vm } }
    Component { id: mattersPage; MattersScreen { vm: root.vm } }
    Component { id: identifyPage; IdentifyScreen { vm: root.vm } }
    Component { id: greenPage; GreenReasonsScreen { vm: root.vm } }
    Component { id: confirmPage; ConfirmScreen { vm: root.vm } }
    Component { id: issuingPage; IssuingScreen { vm: root.vm } }
    Component { id: ticketPage; TicketScreen { vm: root.vm } }
    Component { id: reprintPage; ReprintOfferScreen { vm: root.vm } }
    Component { id: refusedPage; RefusedScreen { vm: root.vm } }
    Component { id: closedPage; ClosedScreen { vm: root.vm } }
    Component { id: outPage; OutOfServiceScreen { vm: root.vm } }

    // Portrait: sound controls on top, back/home/countdown below. Landscape panels are short, so both
    // bars share the bottom row and the screen gets the height.
    GridLayout {
        anchors.fill: parent
        anchors.margins: Theme.margin
        columns: 2
        rowSpacing: Theme.spacing
        columnSpacing: Theme.spacing * 2
        TopBar {
            vm: root.vm
            Layout.row: Theme.portrait ? 0 : 2
            Layout.column: 0
            Layout.columnSpan: Theme.portrait ? 2 : 1
            Layout.fillWidth: true
        }
        Loader {
            objectName: "page"
            Layout.row: 1
            Layout.column: 0
            Layout.columnSpan: 2
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: root.pageFor(root.vm.screen)
        }
        BottomBar {
            vm: root.vm
            Layout.row: 2
            Layout.column: Theme.portrait ? 0 : 1
            Layout.columnSpan: Theme.portrait ? 2 : 1
            Layout.fillWidth: true
        }
    }

    ElderOffer {
        objectName: "elderOffer"
        vm: root.vm
        anchors.fill: parent
        visible: root.vm.elderOffer && !root.vm.warning
    }
    IdleWarning {
        objectName: "idleWarning"
        vm: root.vm
        anchors.fill: parent
        visible: root.vm.warning
    }
}
