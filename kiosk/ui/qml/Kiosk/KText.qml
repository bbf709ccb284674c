import QtQuick
import KioskStyle

// Text at the mode's body size, wrapping rather than shrinking: a size floor is a promise to the resident.
Text {
    color: Theme.text
    font.pixelSize: Theme.bodyPx
    wrapMode: Text.Wrap
    lineHeight: 1.15
}
