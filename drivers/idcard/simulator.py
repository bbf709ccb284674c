"""A SAM ID-card reader played on a pty: `python -m drivers.idcard.simulator --link PATH [--deck FILE]
[--timing realistic|fast]`.

It answers the SAM serial protocol byte for byte (spec §2-§6, §10): find → 80 without a card, 9F with one;
select → 90/81; read 30 01 / 30 10 (text, WLT photo, fingerprint) after a select; 30 03 appended address;
11 FF status; 12 FF SAM id; 60 xx baud switch; a request with a bad checksum → SW3 10, bad length → 11,
an unknown command → 21. After a read, find answers 80 until the card is removed and placed again, as a
real SAM does. Requests sent at another baud than the SAM's are not understood (no reply), like a real UART.

Control commands on stdin (one JSON line answers each, see drivers/sim.py):
  place <card-id> | remove | fault garbled|checksum|nosam|timeout|short|none [COUNT] [COMMAND]
  | fault sw3 HEX [COUNT] [COMMAND] | unplug | replug | stats
`fault X COUNT` affects only the next COUNT replies; without COUNT it lasts until `fault none`. COMMAND
(status, samid, find, select, read, address) limits it to replies to that command. `short` cuts the
reply's data to half (a well-formed frame that lost data, e.g. a short SAM id); `sw3 HEX` answers that
status byte, without data, instead of the real one. Both let the SAM act on the request as usual (a read
answered with another status still spends the card), as a SAM whose reply went wrong would.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import sys
import termios
import threading
import time
import traceback
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any

from drivers.idcard import codec
from drivers.idcard.codec import Frame, Request, Response
from drivers.idcard.deck import DEFAULT_DECK, DeckCard, load_deck
from drivers.sim import PtyDevice, announce, control_loop

SAM_ID = codec.encode_sam_id(5, 1, 20240123, 1234567890, 3141592653)
BAUD_BY_PARA = {para: baud for baud, para in codec.BAUD_PARA.items()}
FAULTS = ("garbled", "checksum", "nosam", "timeout", "short", "sw3", "none")
FAULT_TARGETS = {
    "status": {codec.SAM_STATUS},
    "samid": {codec.SAM_ID},
    "find": {codec.FIND},
    "select": {codec.SELECT},
    "read": {codec.READ_BASE, codec.READ_WITH_FINGERPRINT},
    "address": {codec.READ_NEW_ADDRESS},
}

# Seconds the SAM spends before answering (RF and crypto time; wire time is added from the baud rate).
# A whole base read lands at ~0.75 s, inside the 0.5-1 s readers are known for (spec §8).
REALISTIC = {
    codec.SAM_STATUS: 0.005,
    codec.SAM_ID: 0.01,
    codec.RESET: 0.2,
    codec.FIND: 0.03,
    codec.SELECT: 0.03,
    codec.READ_BASE: 0.5,
    codec.READ_WITH_FINGERPRINT: 0.55,
    codec.READ_NEW_ADDRESS: 0.05,
}


class Phase(StrEnum):
    EMPTY = "empty"
    PLACED = "placed"  # card in the field, not yet found
    FOUND = "found"
    SELECTED = "selected"
    READ = "read"  # read once; the card stays silent to find until it leaves the field


class Sam:
    """The SAM's state machine: one request in, one reply out. No I/O."""

    def __init__(self, deck: dict[str, DeckCard]) -> None:
        self.deck = deck
        self.card: DeckCard | None = None
        self.phase = Phase.EMPTY
        self.baud = 115200
        self.stats: Counter[str] = Counter()

    def place(self, card_id: str) -> None:
        if card_id not in self.deck:
            raise ValueError(f"no card {card_id!r} in the deck (have: {', '.join(self.deck)})")
        self.card, self.phase = self.deck[card_id], Phase.PLACED

    def remove(self) -> None:
        self.card, self.phase = None, Phase.EMPTY

    def power_cycle(self) -> None:
        """Unplugging the USB cable powers the reader down: the card session and the baud start over."""
        self.baud = 115200
        self.phase = Phase.PLACED if self.card else Phase.EMPTY

    def handle(self, frame: Frame) -> tuple[Response, tuple[int, int] | None, int | None]:
        """The reply, the command it answered (for timing) and a baud rate to switch to after replying."""
        self.stats["requests"] += 1
        if not frame.ok:
            self.stats["bad_checksum"] += 1
            return Response(0, 0, 0x10), None, None
        if len(frame.payload) < 2:
            self.stats["bad_length"] += 1
            return Response(0, 0, 0x11), None, None
        req = Request.parse(frame.payload)
        key = (req.cmd, req.para)
        if req.cmd == codec.SET_BAUD:
            if req.para not in BAUD_BY_PARA:
                return self._unknown()
            if req.data:
                return self._bad_length()
            self.stats["set_baud"] += 1
            return Response(0, 0, 0x90), key, BAUD_BY_PARA[req.para]
        if key not in codec.COMMAND_NAMES:
            return self._unknown()
        if len(req.data) != (1 if key == codec.SET_RF_FRAME else 0):
            return self._bad_length()
        return self._dispatch(key), key, None

    def _unknown(self) -> tuple[Response, None, None]:
        self.stats["unknown_command"] += 1
        return Response(0, 0, 0x21), None, None

    def _bad_length(self) -> tuple[Response, None, None]:
        self.stats["bad_length"] += 1
        return Response(0, 0, 0x11), None, None

    def _dispatch(self, key: tuple[int, int]) -> Response:
        ok = Response(0, 0, 0x90)
        if key in (codec.SAM_STATUS, codec.SET_RF_FRAME):
            self.stats["status" if key == codec.SAM_STATUS else "set_rf_frame"] += 1
            return ok
        if key == codec.SAM_ID:
            self.stats["sam_id"] += 1
            return Response(0, 0, 0x90, SAM_ID)
        if key == codec.RESET:
            self.stats["reset"] += 1
            if self.card:
                self.phase = Phase.PLACED
            return ok
        if key == codec.FIND:
            self.stats["find"] += 1
            if self.phase in (Phase.PLACED, Phase.FOUND, Phase.SELECTED):
                self.phase = Phase.FOUND
                return Response(0, 0, 0x9F, bytes(4))
            return Response(0, 0, 0x80)
        if key == codec.SELECT:
            self.stats["select"] += 1
            if self.phase in (Phase.FOUND, Phase.SELECTED):
                self.phase = Phase.SELECTED
                return Response(0, 0, 0x90, bytes(8))
            return Response(0, 0, 0x81)
        in_session = self.card is not None and self.phase in (Phase.SELECTED, Phase.READ)
        if key == codec.READ_NEW_ADDRESS:
            self.stats["new_address"] += 1
            if not in_session or self.card is None:
                return Response(0, 0, 0x41)
            if not self.card.new_address:
                return Response(0, 0, 0x91)
            raw = self.card.new_address.encode("utf-16-le")[:70]
            return Response(0, 0, 0x90, raw + b" \x00" * ((70 - len(raw)) // 2))
        # 30 01 / 30 10
        if not in_session or self.card is None:
            self.stats["read_refused"] += 1
            return Response(0, 0, 0x41)
        self.phase = Phase.READ
        self.stats["reads"] += 1
        text, photo = self.card.text_block(), self.card.photo
        if key == codec.READ_BASE:
            head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
            return Response(0, 0, 0x90, head + text + photo)
        fp = self.card.fingerprint()
        head = b"".join(len(x).to_bytes(2, "big") for x in (text, photo, fp))
        return Response(0, 0, 0x90, head + text + photo + fp)


class Simulator:
    def __init__(self, link: str, deck: dict[str, DeckCard], timing: str) -> None:
        self.sam = Sam(deck)
        self.timing = timing
        self.fault = "none"
        self.fault_left: int | None = None
        self.fault_only: set[tuple[int, int]] | None = None
        self.fault_sw3 = 0x90
        self.lock = threading.Lock()  # SAM state and faults
        self.io = threading.Lock()  # the pty fds: unplug/replug never races a read or write
        self.rng = random.Random(0x5A3)
        self.dev = PtyDevice(link)
        self._quit = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sam", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._quit.set()
        self._thread.join(2)
        with self.io:
            self.dev.close()

    # --- device side ---------------------------------------------------------------------------------

    def _serve(self) -> None:
        decoder = codec.FrameDecoder()
        while not self._quit.is_set():
            with self.io:
                fd = self.dev.master
            if fd < 0:
                decoder.reset()
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                continue
            if not ready:
                continue
            with self.io:
                if self.dev.master != fd:
                    continue
                data = self.dev.read(4096)
                baud_ok = self._host_baud_matches(fd)
            if not data:
                time.sleep(0.01)
                continue
            if not baud_ok:
                # Bytes at the wrong rate are noise to a UART: nothing is understood, nothing answered.
                with self.lock:
                    self.sam.stats["wrong_baud"] += 1
                decoder.reset()
                continue
            for frame in decoder.feed(data):
                try:
                    self._answer(frame, fd)
                except Exception:  # a simulator bug must show, not silently turn into timeouts
                    traceback.print_exc(file=sys.stderr)

    def _host_baud_matches(self, fd: int) -> bool:
        try:
            speed = termios.tcgetattr(fd)[5]  # a pty master reports the slave's (the host's) settings
        except termios.error:
            return True
        return bool(speed == getattr(termios, f"B{self.sam.baud}"))

    def _answer(self, frame: Frame, fd: int) -> None:
        with self.lock:
            fault = self._take_fault(frame)
            if fault == "nosam":
                # A SAM that failed its self-test accepts no command (spec §4, SW3 60).
                self.sam.stats["requests"] += 1
                reply, key, new_baud = Response(0, 0, 0x60), None, None
            else:
                reply, key, new_baud = self.sam.handle(frame)
            if fault == "sw3":
                reply = Response(reply.sw1, reply.sw2, self.fault_sw3)
            elif fault == "short":
                reply = Response(reply.sw1, reply.sw2, reply.sw3, reply.data[: len(reply.data) // 2])
            baud = self.sam.baud
        if self.timing == "realistic" and key is not None:
            time.sleep(REALISTIC.get(key, 0.005))
        if fault == "timeout":
            return
        out = reply.encode()
        if fault == "checksum":
            out = out[:-1] + bytes([out[-1] ^ 0x5A])
        elif fault == "garbled":
            out = self._garble(out)
        self._write(out, fd, baud)
        if new_baud is not None:
            with self.lock:
                self.sam.baud = new_baud

    def _take_fault(self, frame: Frame) -> str:
        fault = self.fault
        if fault == "none":
            return fault
        if self.fault_only is not None:
            key = tuple(frame.payload[:2]) if frame.ok else None
            if key not in self.fault_only:
                return "none"
        if self.fault_left is not None:
            self.fault_left -= 1
            if self.fault_left <= 0:
                self.fault, self.fault_left, self.fault_only = "none", None, None
        return fault

    def _garble(self, out: bytes) -> bytes:
        # Line noise before the reply, then the real capture's damaged preamble AA 00 AA AA 96 69 (spec §2).
        # The noise never holds AA 96 69, so it cannot pass for a frame start.
        pieces = [b"\xaa\xaa\x00", b"\xaa\xaa\xaa\x96\x00", bytes(self.rng.randrange(256) for _ in range(5))]
        self.rng.shuffle(pieces)
        noise = b"".join(pieces).replace(b"\x96\x69", b"\x96\x00")
        return noise + b"\xaa\x00" + out[1:]

    def _write(self, out: bytes, fd: int, baud: int) -> None:
        step = 64 if self.timing == "realistic" else len(out)
        for at in range(0, len(out), step):
            chunk = out[at : at + step]
            with self.io:
                if self.dev.master != fd:
                    return  # unplugged meanwhile: the rest of the reply is lost, as on a real cable
                self.dev.write(chunk)
            if self.timing == "realistic":
                time.sleep(len(chunk) * 10 / baud)  # 8N1: ten bit times per byte

    # --- control side --------------------------------------------------------------------------------

    def _set_fault(self, mode: str, rest: list[str]) -> dict[str, Any]:
        sw3 = 0x90
        if mode == "sw3":
            try:
                sw3 = int(rest[0], 16)
            except (IndexError, ValueError):
                raise ValueError("fault sw3 takes a status byte in hex, e.g. fault sw3 24") from None
            if not 0 <= sw3 <= 0xFF:
                raise ValueError(f"SW3 is one byte, not {rest[0]}")
            rest = rest[1:]
        count: int | None = None
        only: set[tuple[int, int]] | None = None
        for word in rest:
            if word.isdigit() and int(word) > 0 and count is None:
                count = int(word)
            elif word in FAULT_TARGETS and only is None:
                only = FAULT_TARGETS[word]
            else:
                raise ValueError(f"fault takes [COUNT] [{'|'.join(FAULT_TARGETS)}], not {word!r}")
        with self.lock:
            self.fault, self.fault_left, self.fault_only, self.fault_sw3 = mode, count, only, sw3
        return {"fault": mode}

    def control(self, words: list[str]) -> dict[str, Any] | None:
        cmd, args = words[0], words[1:]
        if cmd == "place" and len(args) == 1:
            with self.lock:
                self.sam.place(args[0])
            return {"card": args[0]}
        if cmd == "remove" and not args:
            with self.lock:
                self.sam.remove()
            return None
        if cmd == "fault" and args and args[0] in FAULTS:
            return self._set_fault(args[0], args[1:])
        if cmd == "unplug" and not args:
            with self.io:
                self.dev.unplug()
            return None
        if cmd == "replug" and not args:
            with self.io, self.lock:
                if not self.dev.plugged:
                    self.sam.power_cycle()
                self.dev.replug()
            return {"device": str(self.dev.link)}
        if cmd == "stats" and not args:
            with self.lock:
                return {
                    "stats": dict(self.sam.stats),
                    "phase": self.sam.phase.value,
                    "card": self.sam.card.id if self.sam.card else None,
                    "baud": self.sam.baud,
                    "fault": self.fault,
                    "plugged": self.dev.plugged,
                }
        raise ValueError(
            f"unknown command {' '.join(words)!r}; use place ID | remove | fault "
            f"{'|'.join(FAULTS)} [HEX] [COUNT] [COMMAND] | unplug | replug | stats | quit"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m drivers.idcard.simulator", description="SAM reader simulator"
    )
    ap.add_argument("--link", required=True, help="symlink to the pty: the port the driver opens")
    ap.add_argument("--deck", type=Path, default=DEFAULT_DECK, help="cards TOML (default: the bundled deck)")
    ap.add_argument("--timing", choices=("realistic", "fast"), default="realistic")
    args = ap.parse_args(argv)
    sim = Simulator(args.link, load_deck(args.deck), args.timing)
    sim.start()
    try:
        announce(device=str(sim.dev.link), cards=sorted(sim.sam.deck), timing=args.timing, pid=os.getpid())
        control_loop(sim.control)
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
