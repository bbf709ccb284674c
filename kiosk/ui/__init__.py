"""The resident kiosk's screens: a thin Qt view-model over the UI-free flows in `kiosk.flow`, and one QML
module.

QML only shows the current screen and forwards taps; the flow machine decides where the resident goes.
"""
