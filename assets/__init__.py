"""The hall's shipped assets, installed as the package `hall_data.assets` (see setup.py).

A data-only package: it exists so importlib.resources finds these files in a wheel install as well as in a
checkout. kiosk/resources.py is where the product looks them up.
"""
