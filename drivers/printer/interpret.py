"""A virtual printer: job bytes in, what would come out on paper as blocks (pure, no Pillow).

The preview draws these blocks and the tests read them, so both check the bytes actually sent, never a
second rendering of the data. Like a real printer, a line wider than the paper is broken where it
overflows; such lines are marked `wrapped`, which a correct layout never causes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.printer.commands import DOT_COLS, DOT_ROWS, QR_EC_NAMES, Token, parse

DEFAULT_SPACING = 30  # dots between baselines after ESC 2 (about 1/6 inch at 203 dpi)


@dataclass(slots=True)
class Run:
    """Characters printed with one style; `cells` holds each character's width in columns (1 or 2)."""

    text: str
    cells: list[int]
    w: int
    h: int
    bold: bool

    @property
    def width_dots(self) -> int:
        return sum(self.cells) * DOT_COLS * self.w


@dataclass(slots=True)
class TextLine:
    runs: list[Run]
    align: int
    wrapped: bool = False  # starts where the printer broke an over-long line

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def width_dots(self) -> int:
        return sum(r.width_dots for r in self.runs)

    @property
    def height(self) -> int:
        return max((r.h for r in self.runs), default=1) * DOT_ROWS


@dataclass(frozen=True, slots=True)
class Qr:
    payload: str
    module: int
    ec: str
    align: int


@dataclass(frozen=True, slots=True)
class Raster:
    width_bytes: int
    height: int
    data: bytes
    scale: int  # GS v 0 m: 0 normal, 1 double width, 2 double height, 3 both
    align: int

    def dot(self, x: int, y: int) -> bool:
        return bool(self.data[y * self.width_bytes + (x >> 3)] & (0x80 >> (x & 7)))


@dataclass(frozen=True, slots=True)
class Feed:
    dots: int


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool


Block = TextLine | Qr | Raster | Feed | Cut


@dataclass(slots=True)
class Paper:
    blocks: list[Block] = field(default_factory=list)
    chinese: list[str] = field(default_factory=list)  # each FS & ... FS . segment, decoded
    ignored: list[str] = field(default_factory=list)  # commands understood but not drawn

    @property
    def lines(self) -> list[TextLine]:
        return [b for b in self.blocks if isinstance(b, TextLine)]

    @property
    def qrs(self) -> list[Qr]:
        return [b for b in self.blocks if isinstance(b, Qr)]


def split_gb18030(raw: bytes) -> list[tuple[str, int]]:
    """Characters of a Chinese-mode byte run with their byte counts, as a printer groups them."""
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(raw):
        b = raw[i]
        if b < 0x80:
            size = 1
        elif 0x81 <= b <= 0xFE and i + 1 < len(raw) and 0x30 <= raw[i + 1] <= 0x39:
            size = 4
        elif 0x81 <= b <= 0xFE and i + 1 < len(raw):
            size = 2
        else:
            size = 1
        chunk = raw[i : i + size]
        out.append(
            (chunk.decode("gb18030", errors="replace") if size > 1 else chr(b) if b < 0x80 else "?", size)
        )
        i += size
    return out


class _Printer:
    def __init__(self, width_dots: int) -> None:
        self.width = width_dots
        self.paper = Paper()
        self.reset()
        self.line: TextLine | None = None
        self.cn_segment: bytearray | None = None
        self.qr_data = b""
        self.qr_module = 3
        self.qr_ec = "L"

    def reset(self) -> None:
        self.align = 0
        self.bold = False
        self.w = self.h = 1
        self.chinese = False
        self.spacing = DEFAULT_SPACING

    def emit(self, block: Block) -> None:
        self.paper.blocks.append(block)

    def flush_line(self, *, force: bool) -> None:
        """Print the line buffer (LF), or feed one empty line when it is empty and `force` is set."""
        if self.line is not None:
            self.emit(self.line)
            self.line = None
        elif force:
            self.emit(Feed(self.spacing))

    def put_char(self, ch: str, cells: int) -> None:
        dots = cells * DOT_COLS * self.w
        if self.line is not None and self.line.width_dots + dots > self.width:
            self.flush_line(force=False)
            self.line = TextLine([], self.align, wrapped=True)
        if self.line is None:
            self.line = TextLine([], self.align)
        runs = self.line.runs
        if not runs or (runs[-1].w, runs[-1].h, runs[-1].bold) != (self.w, self.h, self.bold):
            runs.append(Run("", [], self.w, self.h, self.bold))
        runs[-1].text += ch
        runs[-1].cells.append(cells)

    def text(self, raw: bytes) -> None:
        if self.chinese:
            if self.cn_segment is not None:
                self.cn_segment += raw
            for ch, size in split_gb18030(raw):
                self.put_char(ch, 1 if size == 1 else 2)
        else:
            for ch in raw.decode("cp437"):
                self.put_char(ch, 1)

    def qr(self, tok: Token) -> None:
        fn, params = tok.qr_fn, tok.qr_params
        if fn == 67 and params:
            self.qr_module = params[0]
        elif fn == 69 and params:
            self.qr_ec = QR_EC_NAMES.get(params[0], "L")
        elif fn == 80:
            self.qr_data = params[1:]  # after m = 48
        elif fn == 81:
            self.flush_line(force=False)
            self.emit(Qr(self.qr_data.decode("latin-1"), self.qr_module, self.qr_ec, self.align))

    def token(self, tok: Token) -> None:
        name, arg = tok.name, tok.arg
        if name == "text":
            self.text(tok.raw)
        elif name == "lf":
            self.flush_line(force=True)
        elif name == "init":
            self.reset()
        elif name == "align":
            self.align = arg % 48 if arg >= 48 else arg
        elif name == "bold":
            self.bold = bool(arg & 1)
        elif name == "size":
            self.w, self.h = (arg >> 4) + 1, (arg & 0x0F) + 1
        elif name == "cn_on":
            self.chinese = True
            self.cn_segment = bytearray()
        elif name == "cn_off":
            if self.cn_segment is not None:
                self.paper.chinese.append(self.cn_segment.decode("gb18030", errors="replace"))
            self.chinese = False
            self.cn_segment = None
        elif name == "feed_lines":
            self.flush_line(force=False)
            self.emit(Feed(arg * self.spacing))
        elif name == "feed_dots":
            self.flush_line(force=False)
            self.emit(Feed(arg))
        elif name == "default_spacing":
            self.spacing = DEFAULT_SPACING
        elif name == "line_spacing":
            self.spacing = arg
        elif name == "qr":
            self.qr(tok)
        elif name == "raster":
            self.flush_line(force=False)
            wbytes, height = tok.raster_size
            self.emit(Raster(wbytes, height, tok.raster_data, tok.raw[3] & 3, self.align))
        elif name == "cut":
            self.flush_line(force=False)
            self.emit(Cut(partial=tok.raw[2] in (1, 49, 66, 98, 104)))
        elif name not in ("cr", "dle_eot", "dle_enq"):
            self.paper.ignored.append(name)


def interpret(job: bytes, width_dots: int) -> Paper:
    """What `job` prints on paper `width_dots` wide; raises commands.ParseError on bytes we do not know."""
    printer = _Printer(width_dots)
    tokens, _ = parse(job)
    for tok in tokens:
        printer.token(tok)
    printer.flush_line(force=False)
    return printer.paper
