"""Pure layout: a ticket or a materials list in, the ESC/POS job bytes out (no I/O).

Text is wrapped here, by display width, to the columns the chosen character size leaves; the printer
never wraps on its own, so what the preview shows is what the paper shows. Colour is printed as a
symbol plus words (thermal paper is monochrome, and colour must never be the only cue).
"""

from __future__ import annotations

import math

import qrcode
import qrcode.constants

from drivers.printer.capabilities import Capabilities
from drivers.printer.commands import Align
from drivers.printer.job import JobBuilder
from drivers.printer.model import MaterialsPrint, TicketPrint
from drivers.printer.textwidth import sanitize, text_cols, wrap

__all__ = ["COLOUR_LABELS", "MaterialsPrint", "TicketPrint", "materials_job", "qr_modules", "ticket_job"]

# Shapes differ as well as words, for residents who read neither language well.
COLOUR_LABELS = {
    "green": ("●", "绿色通道", "Green"),
    "yellow": ("▲", "黄色优先", "Yellow"),
    "blue": ("■", "蓝色常规", "Blue"),
}
QR_EC = "M"  # survives a smudge or a fold; a status URL still fits version 4 on 58 mm paper
_QR_EC_LIB = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M}
PRIVACY_TICKET = ("本票不含个人信息", "No personal data on this ticket")
PRIVACY_SLIP = ("本单不含个人信息", "No personal data on this slip")


def qr_modules(payload: str, ec: str = QR_EC) -> list[list[bool]]:
    """The QR symbol without quiet zone, as the printer's native QR would draw it (smallest version)."""
    qr = qrcode.QRCode(error_correction=_QR_EC_LIB[ec], border=0, box_size=1)
    qr.add_data(payload)
    qr.make(fit=True)
    return [[bool(m) for m in row] for row in qr.get_matrix()]


class _Doc:
    """Paragraph-level helpers over a JobBuilder; each paragraph sets its own style and resets it."""

    def __init__(self, caps: Capabilities) -> None:
        self.caps = caps
        self.b = JobBuilder(caps.encoding, width_dots=caps.width_dots, model=caps.model).init()

    def cols(self, w: int) -> int:
        return self.caps.cols // w

    def width(self, text: str) -> int:
        return text_cols(text, self.caps.encoding)

    def lines(
        self,
        lines: list[str],
        *,
        align: Align = Align.LEFT,
        w: int = 1,
        h: int = 1,
        bold: bool = False,
    ) -> None:
        if not lines:
            return
        self.b.align(align).size(w, h).bold(bold)
        for line in lines:
            self.b.line(line)
        self.b.bold(False).size(1, 1).align(Align.LEFT)

    def para(
        self,
        text: str,
        *,
        align: Align = Align.LEFT,
        w: int = 1,
        h: int = 1,
        bold: bool = False,
        first: str = "",
        indent: int = 0,
    ) -> None:
        """Wrapped text; `first` prefixes line one ("1. "), later lines are indented by `indent` columns."""
        lead = max(indent, self.width(first))
        body = wrap(text, self.cols(w) - lead, self.caps.encoding)
        first += " " * (lead - self.width(first))
        out = [(first if i == 0 else " " * lead) + line for i, line in enumerate(body)]
        self.lines(out, align=align, w=w, h=h, bold=bold)

    def fit(self, text: str, *, w: int, h: int, align: Align = Align.CENTER, bold: bool = False) -> None:
        """One line at the largest width up to `w` that holds it; wrapped at normal width if none does."""
        text = sanitize(text).strip()
        for scale in range(w, 0, -1):
            if self.width(text) <= self.cols(scale):
                self.lines([text], align=align, w=scale, h=h, bold=bold)
                return
        self.para(text, align=align, h=h, bold=bold)

    def bilingual(
        self,
        zh: str,
        en: str,
        *,
        align: Align = Align.LEFT,
        h: int = 1,
        bold: bool = False,
        sep: str = " / ",
    ) -> None:
        """Chinese and English on one line when they fit together, else each on its own lines."""
        zh, en = sanitize(zh).strip(), sanitize(en).strip()
        if zh and en and self.width(zh + sep + en) <= self.cols(1):
            self.lines([zh + sep + en], align=align, h=h, bold=bold)
            return
        for text in (zh, en):
            self.para(text, align=align, h=h, bold=bold)

    def rule(self) -> None:
        self.b.line("-" * self.caps.cols)

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.b.line()

    def qr(self, payload: str) -> None:
        modules = qr_modules(payload)
        # A long URL on narrow paper gets smaller modules rather than running off the edge.
        module = min(self.caps.qr_module, self.caps.width_dots // len(modules))
        if module < 2:
            raise ValueError(f"QR payload of {len(payload)} characters does not fit {self.caps.name} paper")
        self.blank()  # quiet zone above: scanners need about four modules of white
        if self.caps.qr == "native":
            self.b.align(Align.CENTER).qr_native(payload, module, QR_EC).align(Align.LEFT)
        else:
            # Centre by padding the bitmap itself: not every printer applies ESC a to GS v 0 images.
            size = len(modules) * module
            left = (self.caps.width_dots - size) // 2
            rows = []
            for row in modules:
                line = [False] * left + [dot for dot in row for _ in range(module)]
                rows.extend([line + [False] * (self.caps.width_dots - len(line))] * module)
            self.b.raster(rows)
        self.blank()

    def end(self) -> bytes:
        if self.caps.cutter:
            self.b.feed_lines(2).cut()  # GS V 65 0: the printer feeds on to its cutter
        else:
            self.b.feed_lines(6)  # past the tear bar
        return self.b.getvalue()


def _header(d: _Doc, hall_name: str, hall_name_en: str) -> None:
    d.fit(hall_name, w=2, h=2, bold=True)
    if hall_name_en:
        d.para(hall_name_en, align=Align.CENTER)


def ticket_job(t: TicketPrint, caps: Capabilities) -> bytes:
    d = _Doc(caps)
    _header(d, t.hall_name, t.hall_name_en)
    d.rule()
    if t.reprint:
        d.fit("补打 REPRINT", w=2, h=2, bold=True)
    d.bilingual("您的号码", "Your number", align=Align.CENTER)
    # GS ! up to 8x: the number is read from across the hall's seating, the rest from close up.
    scale = max(1, min(caps.big_number_max, (caps.cols - 2) // len(t.number)))
    d.lines([t.number], align=Align.CENTER, w=scale, h=scale, bold=True)
    icon, zh, en = COLOUR_LABELS[t.colour]
    d.fit(f"{icon} {zh} {en}", w=2, h=2, bold=True)
    d.rule()
    d.bilingual("办理事项", "Matter")
    d.para(t.matter_name_zh, bold=True, h=2, indent=2)
    d.para(t.matter_name_en, indent=2)
    if t.waiting_ahead is not None:
        n = t.waiting_ahead
        d.bilingual(f"前面还有 {n} 人", f"{n} {'person' if n == 1 else 'people'} ahead", bold=True, h=2)
    if t.estimated_wait_s is not None:
        if t.estimated_wait_s == 0:
            d.bilingual("即将轮到您", "You are next")
        else:
            minutes = math.ceil(t.estimated_wait_s / 60)
            d.bilingual(f"预计等候约 {minutes} 分钟", f"About {minutes} min wait")
    d.bilingual("取号时间 Issued", f"{t.issued_at:%Y-%m-%d %H:%M}", sep=" ")
    d.rule()
    d.qr(t.status_url)
    d.bilingual("扫码查看排队进度", "Scan to follow the queue", align=Align.CENTER)
    d.bilingual(*PRIVACY_TICKET, align=Align.CENTER)
    return d.end()


def materials_job(m: MaterialsPrint, caps: Capabilities) -> bytes:
    d = _Doc(caps)
    _header(d, m.hall_name, m.hall_name_en)
    d.fit("一次性告知", w=2, h=2, bold=True)
    d.para("What to bring", align=Align.CENTER)
    d.rule()
    d.para(m.matter_name_zh, bold=True, h=2)
    d.para(m.matter_name_en)
    d.rule()
    count = max(len(m.materials_zh), len(m.materials_en))
    if count:
        d.bilingual("请携带以下材料", "Please bring")
    else:
        d.bilingual("无需携带材料", "No documents needed", bold=True)
    lead = len(f"{count}. ")
    for i in range(count):
        zh = m.materials_zh[i] if i < len(m.materials_zh) else ""
        en = m.materials_en[i] if i < len(m.materials_en) else ""
        first = f"{i + 1}. "
        if zh:
            d.para(zh, first=first, indent=lead, bold=True)
            first = ""
        if en:
            d.para(en, first=first, indent=lead)
    if m.note_zh or m.note_en:
        d.rule()
        if m.note_zh:
            d.para(m.note_zh, first="备注：")
        if m.note_en:
            d.para(m.note_en, first="Note: ")
    d.rule()
    if m.printed_at is not None:
        d.bilingual("打印时间 Printed", f"{m.printed_at:%Y-%m-%d %H:%M}", sep=" ")
    d.bilingual(*PRIVACY_SLIP, align=Align.CENTER)
    return d.end()
