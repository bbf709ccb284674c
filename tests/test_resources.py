"""kiosk.resources: every data file the product reads is found by package, and a missing package says how
to repair the install instead of failing later with a bare import error."""

from __future__ import annotations

import pytest

from drivers.speech import phrases
from kiosk import resources


def test_every_data_file_is_found_where_the_package_is() -> None:
    assert resources.CATALOGUE_PATH.is_file()
    assert resources.DEFAULTS_PATH.is_file()
    assert (resources.MIGRATIONS_DIR / "env.py").is_file()
    assert sorted(p.parent.name for p in resources.LOCALES_DIR.glob("*/board.qm")) == ["en", "zh_CN"]
    # The speech driver names the same package itself (drivers never import the app).
    assert phrases.LOCALES_DIR == resources.LOCALES_DIR


def test_a_package_the_install_lacks_names_the_repair() -> None:
    with pytest.raises(RuntimeError, match=r"hall_data\.sounds is not installed; reinstall the project"):
        resources.package_dir("hall_data.sounds")
