"""Translations and spoken phrase templates, installed as the package `hall_data.locales` (see setup.py).

A data-only package: it exists so importlib.resources finds these files in a wheel install as well as in a
checkout. The back office and the Qt apps look them up in kiosk/resources.py; the speech driver, which may
not import the app, names this package itself (drivers/speech/phrases.py).
"""
