"""Where the product finds the data files it ships, the same way in a checkout and in an installed wheel.

Every lookup goes through importlib.resources by package name, never through a path relative to the
repository: `assets/` and `locales/` install as the packages `hall_data.assets` and `hall_data.locales`
(setup.py), the back office's own files sit in its packages. The speech driver may not import this module
(drivers never import the app) and names `hall_data.locales` itself.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["ASSETS_DIR", "CATALOGUE_PATH", "DEFAULTS_PATH", "LOCALES_DIR", "MIGRATIONS_DIR", "package_dir"]


def package_dir(package: str) -> Path:
    """The folder of an installed package, as a real path: Qt, alembic and tomllib read files, not streams."""
    try:
        folder = files(package)
    except ModuleNotFoundError:
        # An editable install made before the data packages existed knows nothing of hall_data.
        raise RuntimeError(
            f"the package {package} is not installed; reinstall the project "
            "(pip install --no-deps --no-build-isolation -e .)"
        ) from None
    if not isinstance(folder, Path):  # e.g. imported from a zip file: the wheel must be installed unpacked
        raise RuntimeError(f"the package {package} is not a folder on disk ({folder!r})")
    return folder


ASSETS_DIR = package_dir("hall_data.assets")
LOCALES_DIR = package_dir("hall_data.locales")
CATALOGUE_PATH = ASSETS_DIR / "catalogue.toml"
DEFAULTS_PATH = package_dir("kiosk") / "defaults.toml"
MIGRATIONS_DIR = package_dir("kiosk.hall.migrations")
