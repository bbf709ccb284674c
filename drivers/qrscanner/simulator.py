"""QR scanner simulator on a real pty: a serial line scanner or a keyboard-wedge (evdev) scanner.

    python -m drivers.qrscanner.simulator --link PATH --mode serial|evdev [--suffix CRLF] [--aim Q1]

Announces {"ready": true, "device": PATH, ...} (drivers.sim protocol); configure PATH as the serial
scanner's `port` or the wedge scanner's `device`. Commands on stdin:

    scan TEXT                 send TEXT as the scanner would (words joined by single spaces)
    scanb64 B64               the same for the UTF-8 text in base64 (exact spaces, any characters)
    split N MS TEXT           send the same bytes N at a time, MS milliseconds apart
    aim XY | aim off          serial: prefix scans with the AIM identifier ]XY (e.g. Q1 for QR)
    garbage                   line noise: a garbled code, then a fragment that is never finished
    press|release|repeat KEY  evdev: one event of a modifier (ctrl, rctrl, shift, rshift, alt, ralt,
                              meta, rmeta) and its SYN_REPORT: `press ctrl` alone is a lost release
    overrun                   evdev: SYN_DROPPED, as the kernel reports when its buffer overran
    unplug | replug           remove the device / bring it back at the same path

serial: the text's UTF-8 bytes + the suffix (CR, LF, CRLF or none). evdev: struct input_event
records — MSC_SCAN, key press, SYN, release, SYN for each key, with shift for capitals — then Enter.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import time
from typing import Any

from drivers.qrscanner.evdev import (
    EV_KEY,
    EV_MSC,
    EV_SYN,
    KEY_PRESS,
    KEY_RELEASE,
    KEY_REPEAT,
    MSC_SCAN,
    SYN_DROPPED,
    SYN_REPORT,
    InputEvent,
    encode_text,
    key_events,
)
from drivers.qrscanner.keymap import (
    KEY_ENTER,
    KEY_F1,
    KEY_LEFTALT,
    KEY_LEFTCTRL,
    KEY_LEFTMETA,
    KEY_LEFTSHIFT,
    KEY_RIGHTALT,
    KEY_RIGHTCTRL,
    KEY_RIGHTMETA,
    KEY_RIGHTSHIFT,
)
from drivers.sim import PtyDevice, announce, control_loop

SUFFIX_BYTES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "none": b""}
MODIFIER_KEYS = {
    "ctrl": KEY_LEFTCTRL,
    "rctrl": KEY_RIGHTCTRL,
    "shift": KEY_LEFTSHIFT,
    "rshift": KEY_RIGHTSHIFT,
    "alt": KEY_LEFTALT,
    "ralt": KEY_RIGHTALT,
    "meta": KEY_LEFTMETA,
    "rmeta": KEY_RIGHTMETA,
}
KEY_VALUES = {"press": KEY_PRESS, "release": KEY_RELEASE, "repeat": KEY_REPEAT}


class ScannerSim:
    def __init__(self, link: str, mode: str, suffix: str, aim: str) -> None:
        self.mode = mode
        self.suffix = SUFFIX_BYTES[suffix]
        self.aim = aim
        self.device = PtyDevice(link)

    def encode(self, text: str) -> bytes:
        if self.mode == "evdev":
            return encode_text(text)
        aim = f"]{self.aim}" if self.aim else ""
        return (aim + text).encode() + self.suffix

    def garbage(self) -> bytes:
        if self.mode == "evdev":
            now = time.time()
            # A key that types nothing inside a code, then keys with no Enter after them.
            spoiled = encode_text("AB", now, enter=False) + b"".join(
                e.pack() for e in key_events(KEY_F1, now)
            )
            enter = b"".join(e.pack() for e in key_events(KEY_ENTER, now))
            return (
                spoiled + encode_text("C", now, enter=False) + enter + encode_text("junk", now, enter=False)
            )
        return b"\x00\xff\xfe\x81garbled\x07" + (self.suffix or b"\r\n") + b"HQA1:half-a-co"

    def key_event(self, command: str, args: list[str]) -> bytes:
        if self.mode != "evdev":
            raise ValueError(f"{command} needs --mode evdev")
        now = time.time()
        if command == "overrun":
            return InputEvent(EV_SYN, SYN_DROPPED, 0, now).pack()
        if len(args) != 1 or args[0] not in MODIFIER_KEYS:
            raise ValueError(f"{command} takes one of {', '.join(MODIFIER_KEYS)}")
        code = MODIFIER_KEYS[args[0]]
        events = [
            InputEvent(EV_MSC, MSC_SCAN, 0x70000 + code, now),
            InputEvent(EV_KEY, code, KEY_VALUES[command], now),
            InputEvent(EV_SYN, SYN_REPORT, 0, now),
        ]
        return b"".join(ev.pack() for ev in events)

    def handle(self, words: list[str]) -> dict[str, Any] | None:
        command, args = words[0], words[1:]
        if command in ("scan", "scanb64", "split"):
            chunk, delay = 1 << 30, 0.0
            if command == "split":
                if len(args) < 3:
                    raise ValueError("split N MS TEXT")
                chunk, delay, args = int(args[0]), int(args[1]) / 1000, args[2:]
            if command == "scanb64":
                try:
                    text = base64.b64decode(args[0], validate=True).decode()
                except (IndexError, binascii.Error, UnicodeDecodeError) as exc:
                    raise ValueError(f"scanb64 needs base64 of UTF-8 text: {exc}") from None
            else:
                text = " ".join(args)
            data = self.encode(text)
            for i in range(0, len(data), chunk):
                if i and delay:
                    time.sleep(delay)
                self.device.write(data[i : i + chunk])
            return {"bytes": len(data)}
        if command == "garbage":
            self.device.write(self.garbage())
        elif command in KEY_VALUES or command == "overrun":
            self.device.write(self.key_event(command, args))
        elif command == "aim":
            self.aim = "" if not args or args[0] == "off" else args[0]
        elif command == "unplug":
            self.device.unplug()
        elif command == "replug":
            self.device.replug()
        else:
            raise ValueError(f"unknown command {command!r}")
        return {"plugged": self.device.plugged}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m drivers.qrscanner.simulator", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--link", required=True, help="stable path of the device (a symlink to the pty)")
    ap.add_argument("--mode", choices=("serial", "evdev"), default="serial")
    ap.add_argument("--suffix", choices=tuple(SUFFIX_BYTES), default="CRLF", help="serial line terminator")
    ap.add_argument("--aim", default="", help="serial: AIM identifier to send first, e.g. Q1")
    args = ap.parse_args(argv)
    sim = ScannerSim(args.link, args.mode, args.suffix, args.aim)
    announce(device=str(sim.device.link), mode=args.mode, suffix=args.suffix)
    try:
        control_loop(sim.handle)
    finally:
        sim.device.close()


if __name__ == "__main__":
    main()
