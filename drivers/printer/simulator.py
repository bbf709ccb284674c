"""A receipt printer in its own process: raw TCP like port 9100, or a serial line on a pty.

    python -m drivers.printer.simulator (--tcp 127.0.0.1:0 | --link PTYPATH) --jobs DIR [--png --paper 80mm]

It parses the ESC/POS stream with drivers.printer.commands, answers DLE EOT with the status bytes of
its current state at once (real-time commands work even offline), and stores every job up to its cut
as DIR/job-0001.bin (with --png also job-0001.png, drawn by drivers.printer.preview). While out of
paper, with the cover open or offline it prints nothing and stores nothing: the bytes are counted as
discarded. (A real printer would hold them in its buffer and print them after the paper is changed,
which is worse: the driver must ask first, and does.) A job cut short by a state change mid-job is
stored as DIR/partial-0001.bin, which is what came out on paper.

stdin commands (one JSON answer each, see drivers.sim):
    paper near_end|out|ok|runout   runout: the roll ends after the next job's first printed line
    cover open|closed
    offline | online               offline: the printer's own offline state (e.g. a button), no cause
    power off|on                   TCP: stop listening and drop connections; pty: unplug it
    stats                          state and counters
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.printer.commands import PRINTING, REALTIME, Token, parse
from drivers.printer.status import QUERIES, encode
from drivers.sim import PtyDevice, announce, control_loop


class Printer:
    """The state a real printer has, shared by every connection to it."""

    def __init__(self, jobs: Path, png_width: int | None) -> None:
        self.jobs = jobs
        self.png_width = png_width
        self.lock = threading.RLock()
        self.paper = "ok"  # ok | near_end | out
        self.runout = False
        self.cover_open = False
        self.online = True
        self.counts: Counter[str] = Counter()
        self.sessions: set[Session] = set()
        jobs.mkdir(parents=True, exist_ok=True)
        # Continue the numbering of an earlier run instead of overwriting its jobs.
        self.counts["job"] = max((int(p.stem.split("-")[1]) for p in jobs.glob("job-*.bin")), default=0)
        self.counts["partial"] = max(
            (int(p.stem.split("-")[1]) for p in jobs.glob("partial-*.bin")), default=0
        )

    def ready(self) -> bool:
        return self.paper != "out" and not self.cover_open and self.online

    def flags(self) -> set[str]:
        flags: set[str] = set()
        if self.paper in ("near_end", "out"):
            flags.add("paper_near_end")  # an empty roll also trips the near-end sensor
        if self.paper == "out":
            flags |= {"paper_out", "paper_end_stop"}
        if self.cover_open:
            flags.add("cover_open")
        if not self.ready():
            flags.add("offline")
        return flags

    def status_byte(self, n: int) -> int | None:
        with self.lock:
            self.counts["queries"] += 1
            return encode(n, self.flags()) if n in QUERIES else None

    def store(self, job: bytes, kind: str) -> Path:
        with self.lock:
            self.counts[kind] += 1
            path = self.jobs / f"{kind}-{self.counts[kind]:04d}.bin"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(job)
            tmp.replace(path)  # a reader never sees half a job
        if self.png_width:
            self._png(job, path)
        return path

    def _png(self, job: bytes, path: Path) -> None:
        from drivers.printer.preview import PreviewError, render

        try:
            render(job, self.png_width or 576).image.save(path.with_suffix(".png"))
        except PreviewError as exc:
            print(f"simulator: no preview for {path.name}: {exc}", file=sys.stderr)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "paper": self.paper,
                "cover": "open" if self.cover_open else "closed",
                "online": self.online,
                "runout": self.runout,
                "jobs": self.counts["job"],
                "partials": self.counts["partial"],
                "discarded": self.counts["discarded"],
                "queries": self.counts["queries"],
                "pending": sum(len(s.job) for s in self.sessions),
            }


class Session:
    """One byte stream to the printer (a TCP connection, or the serial line)."""

    def __init__(self, printer: Printer, reply: Callable[[bytes], None]) -> None:
        self.printer = printer
        self.reply = reply
        self.buf = b""
        self.job = bytearray()
        self.printed = False  # the job so far has put something on paper
        with printer.lock:
            printer.sessions.add(self)

    def feed(self, data: bytes) -> None:
        self.buf += data
        tokens, used = parse(self.buf, final=False, strict=False)
        self.buf = self.buf[used:]
        for tok in tokens:
            self.token(tok)

    def token(self, tok: Token) -> None:
        p = self.printer
        if tok.name == "dle_eot":
            byte = p.status_byte(tok.arg)
            if byte is not None:
                self.reply(bytes((byte,)))
            return
        if tok.name in REALTIME:
            return
        with p.lock:
            if not p.ready():
                p.counts["discarded"] += len(tok.raw)
                self._finish("partial")  # the state changed mid-job: what printed so far is all
                return
            if tok.name == "init" and self.printed:
                self._finish("job")  # a new job began without a cut (a printer with no cutter)
            self.job += tok.raw
            self.printed |= tok.name in PRINTING
            if tok.name == "cut":
                self._finish("job")
            elif tok.name == "lf" and p.runout and self.printed:
                p.runout, p.paper = False, "out"
                self._finish("partial")

    def _finish(self, kind: str) -> None:
        if self.printed:
            self.printer.store(bytes(self.job), kind)
        self.job.clear()
        self.printed = False

    def close(self) -> None:
        with self.printer.lock:
            self._finish("job")  # printed, just never cut
            self.printer.sessions.discard(self)


class TcpPort:
    """A raw print port: any number of connections, one session each."""

    def __init__(self, printer: Printer, host: str, port: int) -> None:
        self.printer = printer
        self.host = host
        self.port = port
        self.sock: socket.socket | None = None
        self.conns: set[socket.socket] = set()
        self.power_on()

    def power_on(self) -> None:
        if self.sock is not None:
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen()
        self.port = sock.getsockname()[1]  # keep the port across power cycles
        self.sock = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def power_off(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for conn in list(self.conns):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # status replies are single bytes
            self.conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        session = Session(self.printer, lambda data: _send(conn, data))
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                session.feed(data)
        except OSError:
            pass
        finally:
            session.close()
            self.conns.discard(conn)
            conn.close()

    @property
    def device(self) -> str:
        return f"tcp://{self.host}:{self.port}"


def _send(conn: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(data)


class PtyPort:
    """The serial line: one session for as long as the pty is plugged in."""

    def __init__(self, printer: Printer, link: Path) -> None:
        self.printer = printer
        self.dev = PtyDevice(link)
        self.session = Session(printer, self.dev.write)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            fd = self.dev.master
            if fd < 0:
                time.sleep(0.02)
                continue
            # select with a timeout, so an unplug (which closes fd) never leaves us blocked in read
            try:
                readable = select.select([fd], [], [], 0.1)[0]
            except (OSError, ValueError):
                continue
            if readable and (data := self.dev.read()):
                self.session.feed(data)

    def power_on(self) -> None:
        self.dev.replug()

    def power_off(self) -> None:
        self.dev.unplug()
        self.session.close()
        self.session = Session(self.printer, self.dev.write)

    @property
    def device(self) -> str:
        return str(self.dev.link)


def _handler(printer: Printer, port: TcpPort | PtyPort) -> Callable[[list[str]], dict[str, Any]]:
    def handle(words: list[str]) -> dict[str, Any]:
        cmd, arg = words[0], (words[1] if len(words) > 1 else "")
        with printer.lock:
            if cmd == "paper" and arg in ("ok", "near_end", "out"):
                printer.paper, printer.runout = arg, False
            elif cmd == "paper" and arg == "runout":
                printer.runout = True
            elif cmd == "cover" and arg in ("open", "closed"):
                printer.cover_open = arg == "open"
            elif cmd in ("offline", "online") and not arg:
                printer.online = cmd == "online"
            elif cmd == "power" and arg == "on":
                port.power_on()
            elif cmd == "power" and arg == "off":
                port.power_off()
            elif cmd != "stats":
                raise ValueError(
                    f"unknown command {' '.join(words)!r}: paper near_end|out|ok|runout, cover open|closed, "
                    "offline, online, power off|on, stats"
                )
        return printer.snapshot()

    return handle


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m drivers.printer.simulator", description=__doc__.split("\n")[0]
    )
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp", metavar="HOST:PORT", help="listen like a raw 9100 printer (port 0: any)")
    where.add_argument("--link", metavar="PTYPATH", type=Path, help="serial printer on a pty at this path")
    ap.add_argument("--jobs", type=Path, required=True, help="directory for job-NNNN.bin")
    ap.add_argument("--png", action="store_true", help="also draw each job as job-NNNN.png")
    ap.add_argument("--paper", choices=("80mm", "58mm"), default="80mm", help="paper width for --png")
    args = ap.parse_args(argv)

    printer = Printer(args.jobs, {"80mm": 576, "58mm": 384}[args.paper] if args.png else None)
    port: TcpPort | PtyPort
    if args.tcp:
        host, _, num = args.tcp.rpartition(":")
        port = TcpPort(printer, host or "127.0.0.1", int(num))
    else:
        port = PtyPort(printer, args.link)
    announce(device=port.device, jobs=str(args.jobs), pid=os.getpid())
    try:
        control_loop(_handler(printer, port))
    finally:
        port.power_off()
    return 0


if __name__ == "__main__":
    sys.exit(main())
