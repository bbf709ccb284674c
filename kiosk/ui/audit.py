"""Measures a live kiosk screen against its mode's promises: text size, touch target size, contrast, and
no text cut off or running out of its box, no tiles on top of each other.

Walks the Qt Quick item tree as it is on screen (visible items only). A text's background is the nearest
opaque fill behind it: its own ancestors' `color`, a control's `background`, or the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont
from PySide6.QtQuick import QQuickItem, QQuickWindow

from kiosk.ui.theme import Mode, contrast

SLACK_PX = 2.0  # layout rounding


@dataclass(frozen=True, slots=True)
class TextSeen:
    text: str
    px: float
    fg: str
    bg: str
    rect: QRectF


@dataclass(frozen=True, slots=True)
class TargetSeen:
    name: str
    rect: QRectF


@dataclass
class Audit:
    texts: list[TextSeen] = field(default_factory=list)
    targets: list[TargetSeen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def check(self, mode: Mode) -> list[str]:
        out = list(self.problems)
        for t in self.texts:
            if t.px < mode.min_text_px:
                out.append(f"text {t.text!r} is {t.px:.0f} px < {mode.min_text_px}")
            ratio = contrast(t.fg, t.bg)
            if ratio < mode.min_contrast:
                out.append(f"text {t.text!r} {t.fg} on {t.bg}: contrast {ratio:.2f} < {mode.min_contrast}")
        for b in self.targets:
            side = min(b.rect.width(), b.rect.height())
            if side < mode.min_target_px:
                out.append(f"button {b.name!r} is {side:.0f} px < {mode.min_target_px}")
        return out


def _hex(value: object) -> str | None:
    """An opaque colour as #rrggbb, or None for a transparent or missing one."""
    if isinstance(value, QColor) and value.isValid() and value.alpha() == 255:
        return str(value.name())
    return None


def _own_fill(item: QQuickItem) -> str | None:
    if item.inherits("QQuickControl"):
        bg = item.property("background")
        if isinstance(bg, QQuickItem) and bg.isVisible():
            return _hex(bg.property("color"))
        return None
    if item.inherits("QQuickRectangle"):
        return _hex(item.property("color"))
    return None


def _background(item: QQuickItem, window_fill: str) -> str:
    node = item.parentItem()
    while node is not None:
        fill = _own_fill(node)
        if fill is not None:
            return fill
        node = node.parentItem()
    return window_fill


def _label(item: QQuickItem) -> str:
    return item.objectName() or str(item.property("text") or item.metaObject().className())[:40]


def _spills(rect: QRectF, frame: QRectF | None) -> bool:
    if frame is None or rect.width() <= 0 or rect.height() <= 0:
        return False
    return not frame.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(rect)


def audit(window: QQuickWindow) -> Audit:
    out = Audit()
    window_fill = _hex(window.property("color")) or "#000000"
    bounds = QRectF(0, 0, window.width(), window.height())
    # Each item with the screen whose box it must stay in: a screen's content spilling over the bars
    # around it (a layout given less height than it needs) would cover or hide their buttons.
    stack: list[tuple[QQuickItem, QRectF | None]] = [(window.contentItem(), None)]
    while stack:
        item, frame = stack.pop()
        if not item.isVisible() or item.opacity() == 0:
            continue
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        if item.objectName().startswith("screen_"):
            frame = rect
        elif _spills(rect, frame):
            out.problems.append(f"{_label(item)!r} spills out of its screen")
        if item.inherits("QQuickText"):
            text = str(item.property("text") or "")
            font = item.property("font")
            colour = _hex(item.property("color"))
            if text.strip() and isinstance(font, QFont) and colour is not None:
                bg = _background(item, window_fill)
                seen = TextSeen(text[:50], float(font.pixelSize()), colour, bg, rect)
                out.texts.append(seen)
                if item.property("truncated"):
                    out.problems.append(f"text {seen.text!r} is cut off")
                if float(item.property("contentHeight")) > item.height() + SLACK_PX:
                    out.problems.append(f"text {seen.text!r} runs out of its box (too many lines)")
                # Wrapped text fits its width unless one word is wider: then it runs out too.
                if float(item.property("contentWidth")) > item.width() + SLACK_PX:
                    out.problems.append(f"text {seen.text!r} runs out of its box (too wide)")
                if not bounds.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(rect):
                    out.problems.append(f"text {seen.text!r} is outside the window")
        if item.inherits("QQuickAbstractButton"):
            out.targets.append(TargetSeen(_label(item), rect))
            if not bounds.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(rect):
                out.problems.append(f"button {_label(item)!r} is outside the window")
        children = [c for c in item.childItems() if c.isVisible()]
        buttons = [c for c in children if c.inherits("QQuickAbstractButton")]
        for i, a in enumerate(buttons):
            ra = a.mapRectToScene(QRectF(0, 0, a.width(), a.height()))
            for b in buttons[i + 1 :]:
                overlap = ra.intersected(b.mapRectToScene(QRectF(0, 0, b.width(), b.height())))
                if overlap.width() > SLACK_PX and overlap.height() > SLACK_PX:
                    out.problems.append(f"buttons {_label(a)!r} and {_label(b)!r} overlap")
        stack.extend((c, frame) for c in children)
    return out
