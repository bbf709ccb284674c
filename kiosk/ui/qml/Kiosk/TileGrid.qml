import QtQuick
import QtQuick.Layouts
import KioskStyle

// Tiles laid out to fill the space given without scrolling: as many rows as the model needs, each as tall
// as fits (never below a touch target, never above 1.3 tiles). Give it its size from outside.
Item {
    id: area
    property var model: []
    property int portraitColumns: 2
    property int landscapeColumns: 4
    signal chosen(string id)
    readonly property int columns: Theme.portrait ? portraitColumns : landscapeColumns
    readonly property int rows: Math.max(1, Math.ceil(model.length / columns))
    // Floored, less a pixel: the layout rounds each row to whole pixels, and nine rows' rounding adds up.
    readonly property real tileHeight: Math.max(Theme.buttonPx,
        Math.min(Theme.tilePx * 1.3, Math.floor((height - (rows - 1) * Theme.spacing) / rows) - 1))
    GridLayout {
        width: area.width
        columns: area.columns
        rowSpacing: Theme.spacing
        columnSpacing: Theme.spacing
        Repeater {
            model: area.model
            Tile {
                objectName: "tile_" + modelData.id
                text: modelData.name
                glyph: modelData.icon
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.preferredHeight: area.tileHeight
                onClicked: area.chosen(modelData.id)
            }
        }
    }
}
