"""The one place the camera code imports OpenCV.

The opencv-python wheel (not -headless: insightface needs it) sets QT_QPA_PLATFORM_PLUGIN_PATH and
QT_QPA_FONTDIR to its bundled Qt 5 when imported. The kiosk UI is Qt 6, which must never look there
(stack research §7), so the variables are removed as soon as cv2 is loaded. Import cv2 as
`from drivers.camera.cv import cv2` so this always runs first.
"""

from __future__ import annotations

import os

import cv2

QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")

for _name in QT_VARIABLES:
    os.environ.pop(_name, None)

__all__ = ["QT_VARIABLES", "cv2"]
