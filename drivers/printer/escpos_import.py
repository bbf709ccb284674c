"""python-escpos, imported without the side effects its 3.1 import has on the whole process.

Importing `escpos.escpos` runs `escpos/capabilities.py`, which (a) calls `logging.basicConfig()`, so an
application that sets up its own logging afterwards (`kiosk.cli`, the Qt apps) finds a root handler
already there and its `basicConfig(level=INFO, format=...)` silently does nothing; and (b) caches the
parsed capabilities database as a pickle in a fresh `mkdtemp()` directory, so every process leaves a
directory behind in /tmp and re-parses the 35-profile YAML (about 0.5 s) because the cache is never
found again. Import python-escpos through this module only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

_PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _cache_dir() -> Path | None:
    """A per-user cache directory (0700: the library loads a pickle from it, so only we may write there)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "community-hall" / "escpos"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None  # no writable home (a locked-down service user): the library's temp dir still works
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        return None  # someone else could plant a pickle there
    return path


def _import() -> None:
    if _PICKLE_DIR not in os.environ and (cache := _cache_dir()) is not None:
        os.environ[_PICKLE_DIR] = str(cache)
    root = logging.getLogger()
    before = list(root.handlers)
    made: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recorded(*args: Any, **kwargs: Any) -> str:
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]

    # The library calls mkdtemp() even when the cache directory is configured (an eager default
    # argument), so catch the directories it makes and remove the ones it left empty.
    tempfile.mkdtemp = recorded  # type: ignore[assignment]
    try:
        import escpos.escpos  # noqa: F401 - the import is the point
    finally:
        tempfile.mkdtemp = mkdtemp
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        for path in made:
            with contextlib.suppress(OSError):  # not empty: the library is using it after all
                os.rmdir(path)


_import()

from escpos import constants  # noqa: E402
from escpos.capabilities import CAPABILITIES, Profile, get_profile  # noqa: E402
from escpos.escpos import Escpos  # noqa: E402
from escpos.exceptions import DeviceNotFoundError  # noqa: E402
from escpos.printer import File, Network, Serial, Usb  # noqa: E402

__all__ = [
    "CAPABILITIES",
    "DeviceNotFoundError",
    "Escpos",
    "File",
    "Network",
    "Profile",
    "Serial",
    "Usb",
    "constants",
    "get_profile",
]
