"""Which packages the wheel holds; everything else about the build is in pyproject.toml.

`assets/` and `locales/` stay at the repository root, where the product layout puts them, but install as the
packages `hall_data.assets` and `hall_data.locales`, so a wheel install (`pip install .`, as the Debian
package does) finds them through importlib.resources exactly like an editable checkout does (see
kiosk/resources.py). pyproject.toml cannot say this: `packages.find` only maps folders to their own names,
and a literal `packages` list would have to name every subpackage by hand.
"""

from setuptools import find_namespace_packages, setup

DATA_PACKAGES = {"hall_data.assets": "assets", "hall_data.locales": "locales"}

setup(
    packages=[*find_namespace_packages(include=["kiosk*", "queue_display*", "drivers*"]), *DATA_PACKAGES],
    package_dir=DATA_PACKAGES,
)
