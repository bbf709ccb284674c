"""The WLT photo decoder plug-in: a tiny C library with the vendor signatures, compiled here with gcc and
loaded by the driver with ctypes, decodes the photo of a card read from the simulator process."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.base import SettingsError
from drivers.idcard.sam import SamSerialReader
from drivers.idcard.wlt import BMP_SIZE, WltDecoder
from tests.drivers.idcard_support import make_reader, simulator
from tests.drivers.simproc import SimProc

SOURCE = Path(__file__).with_name("idcard_fakewlt.c")


@pytest.fixture(scope="module")
def fake_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is needed to build the stand-in WLT decoder")
    lib = tmp_path_factory.mktemp("wlt") / "libfakewlt2bmp.so"
    subprocess.run([gcc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(SOURCE)], check=True)
    return lib


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimProc]:
    with simulator(tmp_path) as s:
        yield s


def bmp_header(bmp: bytes) -> tuple[bytes, int, int, int, int, int]:
    magic, size, offset = bmp[:2], *struct.unpack_from("<I", bmp, 2), struct.unpack_from("<I", bmp, 10)[0]
    width, height, _planes, bits = struct.unpack_from("<iiHH", bmp, 18)
    return magic, size, offset, width, height, bits


def pixel_bytes(bmp: bytes) -> bytes:
    """The B,G,R bytes of the BMP without row padding."""
    return b"".join(bmp[54 + y * 308 : 54 + y * 308 + 306] for y in range(126))


@pytest.mark.parametrize("function", ["auto", "unpack", "wlt2bmpBuffer"])
def test_card_photo_decoded_by_the_plugged_library(sim: SimProc, fake_lib: Path, function: str) -> None:
    reader = make_reader(sim.device, wlt_library=str(fake_lib), wlt_function=function)
    try:
        sim.command("place", "elderly")
        card = reader.read_card(3.0)
    finally:
        reader.close()
    assert card is not None and card.photo is not None
    # It really is the compiled library, loaded into this process through ctypes.
    assert str(fake_lib) in Path("/proc/self/maps").read_text()
    assert bmp_header(card.photo) == (b"BM", BMP_SIZE, 54, 102, 126, 24)
    assert len(card.photo) == BMP_SIZE == 38862
    wlt = card.photo_wlt
    expected = bytes(wlt[i % 1024] ^ 0x5A for i in range(102 * 126 * 3))  # what the fake library draws
    if function == "wlt2bmpBuffer":
        assert pixel_bytes(card.photo) == expected
    else:  # unpack gives R,G,B; the driver wraps it as a BMP's B,G,R
        pixels = pixel_bytes(card.photo)
        assert pixels[1::3] == expected[1::3]
        assert pixels[0::3] == expected[2::3] and pixels[2::3] == expected[0::3]
    assert f"photo=<{BMP_SIZE} bytes>" in repr(card)
    assert reader.diagnostics()["wlt_decoder"].startswith(
        "unpack()" if function != "wlt2bmpBuffer" else "wlt2"
    )


def test_without_a_decoder_the_photo_stays_raw(sim: SimProc) -> None:
    reader = make_reader(sim.device)
    try:
        sim.command("place", "young")
        card = reader.read_card(3.0)
    finally:
        reader.close()
    assert card is not None and card.photo is None and len(card.photo_wlt) == 1024


def test_a_library_without_the_signatures_is_refused(tmp_path: Path, fake_lib: Path) -> None:
    libc = next(
        (
            p
            for p in ("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6")
            if Path(p).exists()
        ),
        None,
    )
    if libc is not None:
        with pytest.raises(SettingsError, match="exports none of unpack, wlt2bmpBuffer"):
            WltDecoder(libc)
    with pytest.raises(SettingsError, match=r"wlt_function"):
        SamSerialReader({"wlt_library": str(fake_lib), "wlt_function": "GetBmp"})
    not_a_lib = tmp_path / "libbroken.so"
    not_a_lib.write_bytes(b"not an ELF file")
    with pytest.raises(SettingsError, match="could not be loaded"):
        WltDecoder(str(not_a_lib))
