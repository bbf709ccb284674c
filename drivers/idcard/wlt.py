"""Optional plug-in: a vendor library that turns the card's 1024-byte WLT photo into a 102×126 BMP.

No open decoder exists (spec §7), so the driver only loads one the operator installs, with ctypes.
Two C signatures are supported, both found in vendor SDKs:

    int unpack(char *wlt, char *rgb, int save_bmp);
        libwlt2bmp.so / libWltRS.so. Writes 102*126*3 = 38556 bytes of R,G,B pixels in BMP row order;
        called with save_bmp = 0 (no file written); returns 1 on success. We wrap the pixels in a BMP.

    int wlt2bmpBuffer(unsigned char *wlt, unsigned char *bmp, int bmp_size);
        ZKTeco libwltdecode.so and libwlt2bmp.dll ports. Writes a whole 24-bit BMP of
        54 + 126*308 = 38862 bytes; returns 1 on success (some wrappers return 0) - success is judged
        by the "BM" header it wrote.

The file-based Windows `GetBmp(path, n)` of WltRS.dll is not supported: it would put the photo on disk.
"""

from __future__ import annotations

import ctypes
import os
import struct
import threading

from drivers.base import SettingsError
from drivers.idcard.errors import WltDecodeError

WIDTH, HEIGHT = 102, 126
RGB_SIZE = WIDTH * HEIGHT * 3  # 38556
_ROW = WIDTH * 3
_PAD = (4 - _ROW % 4) % 4
BMP_SIZE = 54 + (_ROW + _PAD) * HEIGHT  # 38862
FUNCTIONS = ("unpack", "wlt2bmpBuffer")


def rgb_to_bmp(rgb: bytes, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A 24-bit BMP around R,G,B pixels given in BMP row order (as `unpack` callers write them)."""
    row = width * 3
    pad = (4 - row % 4) % 4
    if len(rgb) < row * height:
        raise WltDecodeError(f"decoder returned {len(rgb)} pixel bytes, need {row * height}")
    bgr = bytearray(rgb[: row * height])
    bgr[0::3], bgr[2::3] = rgb[2 : row * height : 3], rgb[0 : row * height : 3]
    pixels = b"".join(bytes(bgr[y * row : (y + 1) * row]) + b"\0" * pad for y in range(height))
    size = 54 + len(pixels)
    header = b"BM" + struct.pack("<IHHI", size, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 0, 0, 0, 0)
    return header + info + pixels


class WltDecoder:
    def __init__(self, path: str, function: str = "auto") -> None:
        key = "devices.idcard.wlt_library"
        if not os.path.isfile(path):
            raise SettingsError(f"{key} = {path!r}: no such file")
        try:
            self._lib = ctypes.CDLL(os.path.abspath(path))
        except OSError as exc:
            raise SettingsError(f"{key} = {path!r} could not be loaded: {exc}") from None
        wanted = FUNCTIONS if function == "auto" else (function,)
        if function != "auto" and function not in FUNCTIONS:
            raise SettingsError(f"devices.idcard.wlt_function must be one of auto, {', '.join(FUNCTIONS)}")
        found = [name for name in wanted if hasattr(self._lib, name)]
        if not found:
            raise SettingsError(f"{key} = {path!r} exports none of {', '.join(wanted)}")
        self.path = path
        self.function = found[0]
        self._fn = getattr(self._lib, self.function)
        self._fn.restype = ctypes.c_int
        self._fn.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
        # Vendor decoders keep global state and are not known to be thread-safe.
        self._lock = threading.Lock()

    def decode(self, wlt: bytes) -> bytes:
        """The photo as a BMP file's bytes."""
        if len(wlt) != 1024:
            raise WltDecodeError(f"WLT photo is {len(wlt)} bytes, decoders expect 1024")
        # Generous output buffer: a decoder writing a BMP where raw pixels were expected must not overrun.
        out = ctypes.create_string_buffer(BMP_SIZE + 1024)
        with self._lock:
            # unpack's third argument is "also save a BMP file": never, the photo stays in memory.
            ret = self._fn(wlt, out, 0 if self.function == "unpack" else BMP_SIZE)
        raw = out.raw
        if self.function == "unpack":
            if ret != 1:
                raise WltDecodeError(f"unpack() returned {ret}")
            return rgb_to_bmp(raw[:RGB_SIZE])
        if ret not in (0, 1) or raw[:2] != b"BM":
            raise WltDecodeError(f"wlt2bmpBuffer() returned {ret}")
        size = struct.unpack_from("<I", raw, 2)[0]
        return raw[: size if 54 < size <= BMP_SIZE + 1024 else BMP_SIZE]
