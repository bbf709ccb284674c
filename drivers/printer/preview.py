"""PNG preview of a job: the bytes are interpreted (drivers.printer.interpret) and drawn, not laid out again.

    python -m drivers.printer.preview job.bin out.png [--paper 80mm|58mm | --width-dots N]

Text is drawn in the printer's 12x24 / 24x24 cells with a CJK font found through fontconfig, GS !
sizes scale the cells, QR codes are drawn from the payload in the bytes with the qrcode library, and
raster images dot for dot. So a wrong byte in the job shows up wrong in the picture.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from drivers.printer.capabilities import PROFILES
from drivers.printer.commands import DOT_COLS, DOT_ROWS, ParseError
from drivers.printer.interpret import DEFAULT_SPACING, Block, Cut, Feed, Qr, Raster, Run, TextLine, interpret
from drivers.printer.layout import qr_modules

# Mono faces first: their Latin is exactly half an em, like the printer's 12-dot font A.
_FAMILIES = (
    "Noto Sans Mono CJK SC",
    "WenQuanYi Micro Hei Mono",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
)
_KNOWN_FILES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans Mono CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei Mono"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
)
_WHITE, _BLACK = 255, 0
_MARGIN = 12


class PreviewError(RuntimeError):
    """The preview cannot be drawn (no CJK font, unreadable job); the message says what to do."""


@dataclass(frozen=True, slots=True)
class FontFile:
    path: str
    index: int = 0


def _face_index(path: str, family: str) -> int | None:
    """Index of `family` inside a font collection (a .ttc holds SC, TC, JP... faces)."""
    for index in range(16):
        try:
            name = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            return None
        if name == family:
            return index
    return None


@functools.cache
def find_cjk_font() -> FontFile:
    """A Simplified Chinese font: $HALL_CJK_FONT (path[:index]), fontconfig, then known Debian paths."""
    env = os.environ.get("HALL_CJK_FONT", "")
    if env:
        path, _, index = env.partition(":")
        if not Path(path).is_file():
            raise PreviewError(f"HALL_CJK_FONT={env!r} is not a font file")
        return FontFile(path, int(index or 0))
    if shutil.which("fc-match"):
        for family in _FAMILIES:
            out = subprocess.run(
                ["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:lang=zh-cn"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            parts = out.split("\t")
            # fc-match always answers something (DejaVu at worst): accept only the family we asked for.
            if len(parts) == 3 and family in parts[0].split(",") and Path(parts[1]).is_file():
                return FontFile(parts[1], int(parts[2] or 0))
    for path, family in _KNOWN_FILES:
        if Path(path).is_file() and (index := _face_index(path, family)) is not None:
            return FontFile(path, index)
    raise PreviewError(
        "no Chinese font found for the preview: install fonts-wqy-microhei or fonts-noto-cjk "
        "(apt-get install fonts-wqy-microhei), or set HALL_CJK_FONT=/path/to/font.ttc[:index]"
    )


@dataclass(slots=True)
class Preview:
    image: Image.Image
    boxes: list[tuple[Block, int, int]] = field(default_factory=list)  # block, top y, bottom y
    missing_glyphs: set[str] = field(default_factory=set)  # drawn as the font's empty box (tofu)


class _Glyphs:
    def __init__(self, font: FontFile) -> None:
        self.file = font
        self.missing: set[str] = set()

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one renderer per preview, a handful of sizes
    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(self.file.path, size, index=self.file.index)

    @functools.lru_cache(maxsize=64)  # noqa: B019
    def notdef(self, size: int) -> bytes:
        return bytes(self.font(size).getmask("\U0010fffd"))

    def check(self, ch: str, size: int) -> None:
        if not ch.isspace() and ch != "?" and bytes(self.font(size).getmask(ch)) == self.notdef(size):
            self.missing.add(ch)


def _draw_run(run: Run, glyphs: _Glyphs) -> Image.Image:
    """A run drawn at scale h in both directions, then stretched to width w (GS ! can differ in w and h)."""
    h = run.h
    cell_h = DOT_ROWS * h
    size = round(22 * h)  # a 22-dot face fills the 24-dot cell like the printer's bitmap font
    font = glyphs.font(size)
    img = Image.new("L", (max(1, sum(run.cells) * DOT_COLS * h), cell_h), _WHITE)
    draw = ImageDraw.Draw(img)
    baseline = round(cell_h * 0.83)
    stroke = max(1, h // 2) if run.bold else 0
    x = 0
    for ch, cells in zip(run.text, run.cells, strict=True):
        cell_w = cells * DOT_COLS * h
        glyphs.check(ch, size)
        advance = font.getlength(ch)
        if advance <= cell_w + 0.5:
            draw.text(
                (x + (cell_w - advance) / 2, baseline),
                ch,
                font=font,
                fill=_BLACK,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=_BLACK,
            )
        else:  # a proportional font's wide Latin glyph: squeeze it into its cell as the printer would
            tmp = Image.new("L", (int(advance) + 2 * stroke + 1, cell_h), _WHITE)
            ImageDraw.Draw(tmp).text(
                (stroke, baseline),
                ch,
                font=font,
                fill=_BLACK,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=_BLACK,
            )
            img.paste(tmp.resize((cell_w, cell_h)), (x, 0))
        x += cell_w
    if run.w != run.h:
        img = img.resize((sum(run.cells) * DOT_COLS * run.w, cell_h), Image.Resampling.BICUBIC)
    return img


def _x(align: int, width: int, content: int) -> int:
    return max(0, {0: 0, 1: (width - content) // 2, 2: width - content}.get(align, 0))


def _text_line(line: TextLine, width: int, glyphs: _Glyphs) -> Image.Image:
    tallest = line.height
    img = Image.new("L", (width, max(DEFAULT_SPACING, tallest + DEFAULT_SPACING - DOT_ROWS)), _WHITE)
    x = _x(line.align, width, line.width_dots)
    for run in line.runs:
        run_img = _draw_run(run, glyphs)
        img.paste(run_img, (x, tallest - run_img.height))  # characters of a line share the bottom edge
        x += run_img.width
    return img


def _qr(block: Qr, width: int) -> Image.Image:
    modules = np.array(qr_modules(block.payload, block.ec if block.ec in ("L", "M") else "M"), dtype=bool)
    dots = np.kron(modules, np.ones((block.module, block.module), dtype=bool))
    img = Image.new("L", (width, dots.shape[0]), _WHITE)
    img.paste(
        Image.fromarray(np.where(dots, _BLACK, _WHITE).astype(np.uint8)),
        (_x(block.align, width, dots.shape[1]), 0),
    )
    return img


def _raster(block: Raster, width: int) -> Image.Image:
    bits = np.unpackbits(np.frombuffer(block.data, dtype=np.uint8)).reshape(
        block.height, block.width_bytes * 8
    )
    sx, sy = (2 if block.scale & 1 else 1), (2 if block.scale & 2 else 1)
    bits = np.kron(bits, np.ones((sy, sx), dtype=np.uint8))
    img = Image.new("L", (width, bits.shape[0]), _WHITE)
    img.paste(
        Image.fromarray(np.where(bits, _BLACK, _WHITE).astype(np.uint8)),
        (_x(block.align, width, bits.shape[1]), 0),
    )
    return img


def _cut(width: int) -> Image.Image:
    img = Image.new("L", (width, 24), _WHITE)
    draw = ImageDraw.Draw(img)
    for x in range(0, width, 12):
        draw.line([(x, 12), (x + 6, 12)], fill=128, width=2)
    return img


def render(job: bytes, width_dots: int, font: FontFile | None = None) -> Preview:
    """The paper `job` would print, `width_dots` wide, as a greyscale image."""
    try:
        paper = interpret(job, width_dots)
    except ParseError as exc:
        raise PreviewError(f"the job is not ESC/POS this preview understands: {exc}") from exc
    glyphs = _Glyphs(font or find_cjk_font())
    parts: list[tuple[Block | None, Image.Image]] = [(None, Image.new("L", (width_dots, _MARGIN), _WHITE))]
    for block in paper.blocks:
        if isinstance(block, TextLine):
            img = _text_line(block, width_dots, glyphs)
        elif isinstance(block, Qr):
            img = _qr(block, width_dots)
        elif isinstance(block, Raster):
            img = _raster(block, width_dots)
        elif isinstance(block, Feed):
            img = Image.new("L", (width_dots, max(1, block.dots)), _WHITE)
        else:
            assert isinstance(block, Cut)
            img = _cut(width_dots)
        parts.append((block, img))
    out = Image.new("L", (width_dots, sum(p.height for _, p in parts)), _WHITE)
    boxes: list[tuple[Block, int, int]] = []
    y = 0
    for block, img in parts:
        out.paste(img.crop((0, 0, width_dots, img.height)), (0, y))
        if block is not None:
            boxes.append((block, y, y + img.height))
        y += img.height
    return Preview(out, boxes, glyphs.missing)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m drivers.printer.preview", description=__doc__.split("\n")[0])
    ap.add_argument("job", type=Path, help="ESC/POS job bytes (e.g. a simulator's job-0001.bin)")
    ap.add_argument("out", type=Path, help="PNG to write")
    ap.add_argument("--paper", choices=sorted(PROFILES), default="80mm")
    ap.add_argument("--width-dots", type=int, help="printable width in dots (overrides --paper)")
    args = ap.parse_args(argv)
    width = args.width_dots or PROFILES[args.paper].width_dots
    try:
        preview = render(args.job.read_bytes(), width)
    except (OSError, PreviewError) as exc:
        print(f"preview: {exc}", file=sys.stderr)
        return 2
    preview.image.save(args.out)
    print(f"{args.out}: {preview.image.width}x{preview.image.height}")
    if preview.missing_glyphs:
        print(
            f"warning: the font has no glyph for {''.join(sorted(preview.missing_glyphs))}", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
