"""A window LED display on a pty: decodes frames, answers ACK/NAK, records what it shows.

    python -m drivers.led.simulator --link /tmp/led0 [--codec hallbus] [--address 3] [--encoding gbk]

Control commands on stdin (drivers/sim.py protocol), each answered with one JSON line:
    shown                    current text, brightness, flags, history of everything shown, counters
    fault nak|silent|garbled|module|none [COUNT]
                             nak: refuse frames (NAK busy); silent: ignore them; garbled: act but corrupt the
                             reply's checksum; module: report an LED module fault in every ACK;
                             COUNT limits nak/silent/garbled to the next COUNT frames
    unplug | replug          the USB adapter vanishes / comes back at the same path
    quit
"""

from __future__ import annotations

import argparse
import os
import select
import threading
import time
from typing import Any

from drivers.led.codec import (
    BROADCAST,
    Command,
    DisplayState,
    Frame,
    FrameError,
    FrameStream,
    NakReason,
    StatusFlag,
    codecs,
    parse_blink,
)
from drivers.sim import PtyDevice, announce, control_loop

FAULTS = ("none", "nak", "silent", "garbled", "module")


class DisplaySim:
    def __init__(self, device: PtyDevice, codec_name: str, address: int, encoding: str) -> None:
        self.device = device
        self.codec = codecs[codec_name]
        self.address = address
        self.encoding = encoding
        self.stream = FrameStream(self.codec)
        self.lock = threading.Lock()
        self.text = ""
        self.brightness = 100
        self.flags = 0
        self.fault = "none"
        self.fault_left: int | None = None
        self.last: tuple[int, Command, bytes] | None = None
        self.history: list[dict[str, Any]] = []
        self.stats = {"frames": 0, "bad_frames": 0, "naks": 0, "acks": 0, "ignored": 0, "repeats": 0}

    # -- the wire side ----------------------------------------------------------------------------------

    def serve(self) -> None:
        while True:
            fd = self.device.master
            if fd < 0:
                time.sleep(0.02)
                continue
            try:
                # select, not a blocking read: a read blocked on a closed master would still receive the
                # host's next write after `unplug`, which a vanished device must not.
                ready, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                continue
            if not ready or fd != self.device.master:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                continue
            with self.lock:
                for item in self.stream.feed(data):
                    self.handle(item)

    def handle(self, item: Frame | FrameError) -> None:
        if isinstance(item, FrameError):
            self.stats["bad_frames"] += 1
            # Only NAK what was (apparently) meant for us: on a shared bus the others keep quiet.
            if self.codec.replies and item.address == self.address and self._take_fault() != "silent":
                self.reply(Frame(self.address, Command.NAK, item.seq, bytes((item.reason,))))
            return
        if self.codec.addressed and item.address not in (self.address, BROADCAST):
            self.stats["ignored"] += 1
            return
        if item.command in (Command.ACK, Command.NAK):
            return  # another display's answer on the bus
        self.stats["frames"] += 1
        fault = self._take_fault()
        if fault == "silent":
            return
        if fault == "nak":
            self.reply(Frame(self.address, Command.NAK, item.seq, bytes((NakReason.BUSY,))), item)
            return
        key = (item.seq, item.command, item.payload)
        if self.codec.replies and key == self.last:
            self.stats["repeats"] += 1  # the host retried after a lost ACK: answer, don't act twice
            reason = None
        else:
            reason = self.apply(item)
            if reason is None:
                self.last = key
        if reason is not None:
            self.reply(Frame(self.address, Command.NAK, item.seq, bytes((reason,))), item)
            return
        extra = b""
        if item.command is Command.QUERY:
            extra = DisplayState(self.flags, self.brightness, self.text.encode(self.encoding)).encode()[1:]
        self.reply(
            Frame(self.address, Command.ACK, item.seq, bytes((self.flags,)) + extra),
            item,
            garble=fault == "garbled",
        )

    def apply(self, frame: Frame) -> NakReason | None:
        now = time.time()
        if frame.command is Command.SHOW:
            try:
                self.text = frame.payload.decode(self.encoding)
            except UnicodeDecodeError:
                return NakReason.PAYLOAD
            self.history.append({"at": now, "cmd": "show", "text": self.text})
        elif frame.command is Command.CLEAR:
            self.text = ""
            self.history.append({"at": now, "cmd": "clear", "text": ""})
        elif frame.command is Command.BRIGHTNESS:
            if len(frame.payload) != 1 or frame.payload[0] > 100:
                return NakReason.PAYLOAD
            self.brightness = frame.payload[0]
            self.history.append({"at": now, "cmd": "brightness", "level": self.brightness})
        elif frame.command is Command.BLINK:
            try:
                times, period = parse_blink(frame.payload)  # the display enforces ≤ 3 flashes/s itself too
            except FrameError:
                return NakReason.PAYLOAD
            self.history.append(
                {"at": now, "cmd": "blink", "times": times, "period_s": period, "text": self.text}
            )
        return None

    def reply(self, frame: Frame, request: Frame | None = None, garble: bool = False) -> None:
        if not self.codec.replies or (request is not None and request.address == BROADCAST):
            return
        wire = bytearray(self.codec.encode(frame))
        if garble:
            wire[-2] ^= 0x5A  # the checksum's last byte: the host must see a bad reply
            if wire[-2] in (0x02, 0x03, 0x10):
                wire[-2] ^= 0x01
        self.stats["naks" if frame.command is Command.NAK else "acks"] += 1
        self.device.write(bytes(wire))

    def _take_fault(self) -> str:
        fault = self.fault if self.fault in ("nak", "silent", "garbled") else "none"
        if fault != "none" and self.fault_left is not None:
            self.fault_left -= 1
            if self.fault_left <= 0:
                self.fault, self.fault_left = "none", None
        return fault

    # -- the control side -------------------------------------------------------------------------------

    def command(self, words: list[str]) -> dict[str, Any] | None:
        cmd, args = words[0], words[1:]
        with self.lock:
            if cmd == "shown":
                return {
                    "text": self.text,
                    "brightness": self.brightness,
                    "flags": self.flags,
                    "fault": self.fault,
                    "plugged": self.device.plugged,
                    "history": self.history,
                    "stats": dict(self.stats),
                }
            if cmd == "fault":
                if not args or args[0] not in FAULTS:
                    raise ValueError(f"fault takes one of {', '.join(FAULTS)}")
                count = int(args[1]) if len(args) > 1 else None
                if args[0] == "module":
                    self.flags |= StatusFlag.MODULE_FAULT
                elif args[0] == "none":
                    self.flags = 0
                self.fault, self.fault_left = args[0], count
                return {"fault": args[0], "count": count}
        if cmd == "unplug":
            self.device.unplug()
            with self.lock:
                self.stream.reset()
            return {"plugged": False}
        if cmd == "replug":
            self.device.replug()
            return {"plugged": True}
        raise ValueError(f"unknown command {cmd!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m drivers.led.simulator", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--link", required=True, help="path of the symlink to the pty (the 'serial port')")
    parser.add_argument("--codec", default="hallbus", choices=sorted(codecs))
    parser.add_argument("--address", type=int, default=1, help="this display's bus address (hallbus)")
    parser.add_argument(
        "--encoding", default=None, help="text encoding (default: gbk for hallbus, else ascii)"
    )
    args = parser.parse_args(argv)
    encoding = args.encoding or ("gbk" if args.codec == "hallbus" else "ascii")
    device = PtyDevice(args.link)
    sim = DisplaySim(device, args.codec, args.address, encoding)
    threading.Thread(target=sim.serve, name="led-sim", daemon=True).start()
    announce(device=str(device.link), codec=args.codec, address=args.address, encoding=encoding)
    try:
        control_loop(sim.command)
    finally:
        device.close()


if __name__ == "__main__":
    main()
