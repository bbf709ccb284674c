"""Shared by the printer tests (no tests here): sample data, and checks that decode a stored job."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from drivers.printer.commands import CN_OFF, CN_ON, parse
from drivers.printer.interpret import Cut, Paper, Raster, interpret
from drivers.printer.model import TicketPrint

HALL = "幸福里社区便民服务大厅"
HALL_EN = "Xingfuli Community Service Hall"
PUBLIC_URL = "http://hall.local:8750/t/"

# What a counter's StaffTicket carries, and personal data a buggy caller might add: none may print.
PERSONAL = {
    "green_reason": "disability",
    "name": "张三丰",
    "id_number": "110101199003071234",
    "phone": "13800138000",
}
FORBIDDEN = ("disability", "残疾", "张三丰", "110101199003071234", "13800138000")


def ticket_json(**over: Any) -> dict[str, Any]:
    """The back office's POST /api/v1/tickets answer (201), plus fields that must never be printed."""
    body: dict[str, Any] = {
        "id": "kQ3v-Zt8_pL2wE9rY1xAbC",  # secrets.token_urlsafe(16), as the back office makes it
        "number": "G012",
        "colour": "green",
        "matter": "pension_claim",
        "matter_name_zh": "城乡居民基本养老保险待遇申领",
        "matter_name_en": "Residents' basic pension: benefit claim",
        "status": "waiting",
        "counter": None,
        "window": None,
        "waiting_ahead": 3,
        "estimated_wait_s": 840,
        "issued_at": "2026-11-23T10:15:42+08:00",
        "called_at": None,
        "appointment": False,
        "day": "2026-11-23",
        **PERSONAL,
    }
    body.update(over)
    return body


def ticket(**over: Any) -> TicketPrint:
    """ticket_json(**over) as the kiosk turns it into what it prints."""
    return TicketPrint.from_api(ticket_json(**over), HALL, PUBLIC_URL, hall_name_en=HALL_EN)


def split_text(job: bytes) -> tuple[list[str], bytes]:
    """Every FS & ... FS . segment decoded as GB18030, and all text bytes outside such segments."""
    tokens, _ = parse(job)
    segments: list[str] = []
    outside = bytearray()
    current: bytearray | None = None
    for tok in tokens:
        if tok.raw == CN_ON:
            current = bytearray()
        elif tok.raw == CN_OFF:
            assert current is not None, "FS . without FS &"
            segments.append(current.decode("gb18030"))
            current = None
        elif current is not None:
            assert tok.name == "text", f"{tok.name} inside a Chinese segment"
            current += tok.raw
        elif tok.name == "text":
            outside += tok.raw
    assert current is None, "FS & never closed"
    return segments, bytes(outside)


def scan_raster(image: Raster) -> str:
    """Decode a QR code sent as a GS v 0 bitmap, from its bits, with a quiet zone around it."""
    bits = np.unpackbits(np.frombuffer(image.data, dtype=np.uint8)).reshape(image.height, -1)
    pixels = np.pad(np.where(bits, 0, 255).astype(np.uint8), 40, constant_values=255)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    return str(text)


def check_ticket_job(job: bytes, body: dict[str, Any], width_dots: int, *, cutter: bool = True) -> Paper:
    """Everything a printed ticket must and must not carry, read back from its bytes."""
    segments, outside = split_text(job)
    # Chinese only ever inside FS & / FS . (the raw GB18030 bytes sit right after FS &).
    assert CN_ON + HALL.encode("gb18030") + CN_OFF in job
    assert any(body["matter_name_zh"] in s for s in segments)
    assert any(f"前面还有 {body['waiting_ahead']} 人" in s for s in segments)
    assert any("绿色通道" in s and "●" in s for s in segments) == (body["colour"] == "green")
    assert any("本票不含个人信息" in s for s in segments)
    assert outside.isascii(), "GB18030 bytes outside FS & ... FS . would print as code-page junk"

    paper = interpret(job, width_dots)
    big = [line for line in paper.lines if line.text == body["number"]]
    assert big and min(big[0].runs[0].w, big[0].runs[0].h) >= 4, "the number must be printed big (GS !)"
    assert job.startswith(b"\x1b@")
    if cutter:
        assert isinstance(paper.blocks[-1], Cut) and job.endswith(b"\x1dVA\x00"), "job must end with the cut"
    else:
        assert job.endswith(b"\x1bd\x06") and b"\x1dV" not in job, "no cutter: feed past the tear bar"
    assert not any(line.wrapped or line.width_dots > width_dots for line in paper.lines)
    rasters = [b for b in paper.blocks if isinstance(b, Raster)]
    payloads = [q.payload for q in paper.qrs] + [scan_raster(r) for r in rasters]
    assert payloads == [PUBLIC_URL + body["id"]], "one QR code: the ticket's public status page"
    text = "\n".join(line.text for line in paper.lines)
    for word in FORBIDDEN:
        assert word not in text and word not in "".join(segments) and word.encode() not in outside, word
    return paper
