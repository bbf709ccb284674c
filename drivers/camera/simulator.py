"""Camera simulator: a video or image file served as an MJPEG stream over HTTP, as IP cameras do.

    python -m drivers.camera.simulator --source FILE [--http 127.0.0.1:0] [--fps N]

Announces {"ready": true, "device": "http://HOST:PORT/stream.mjpg", ...} (drivers.sim protocol) and then
takes commands on stdin:

    pause    stop sending frames but keep every connection open (the camera hangs: frames go stale)
    drop     close every connection and stop listening (the camera vanished from the network)
    restore  listen again on the same port and send frames again
    stat     reply with the state, frames sent, the file index of the last frame and the client count

A video plays at its own rate and loops; an image is repeated at --fps (default 10).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import threading
import time
from typing import Any

import numpy as np

from drivers.camera.cv import cv2
from drivers.sim import announce, control_loop

PATH = "/stream.mjpg"
BOUNDARY = b"frame"


class Player:
    """Frames of the file in order, looping; the file is decoded lazily so a long video costs no memory."""

    def __init__(self, path: str, fps: float) -> None:
        self.path = path
        self.image: np.ndarray | None = None
        self.cap: cv2.VideoCapture | None = None
        if cv2.haveImageReader(path):
            self.image = cv2.imread(path, cv2.IMREAD_COLOR)
        if self.image is not None:
            self.fps = fps or 10.0
            self.height, self.width = self.image.shape[:2]
        else:
            self.cap = cv2.VideoCapture(path)
            if not self.cap.isOpened():
                raise SystemExit(f"cannot read {path} as a video or an image")
            declared = self.cap.get(cv2.CAP_PROP_FPS)
            self.fps = fps or (declared if 0 < declared <= 240 else 25.0)
            self.width = int(self.cap.get(cv2.CAP_PROP_FRAME_WIDTH))
            self.height = int(self.cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self.index = -1

    def next(self) -> tuple[int, np.ndarray]:
        if self.image is not None:
            return 0, self.image
        assert self.cap is not None
        ok, frame = self.cap.read()
        if not ok:
            self.cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self.index = -1
            ok, frame = self.cap.read()
            if not ok:
                raise RuntimeError(f"{self.path} has no readable frames")
        self.index += 1
        return self.index, frame


class MjpegServer:
    def __init__(self, host: str, port: int, player: Player) -> None:
        self.host, self.port = host, port
        self.player = player
        self.cond = threading.Condition()
        self.jpeg = b""
        self.sent = 0  # frames produced since start; clients send each new one
        self.index = -1
        self.state = "playing"  # playing | paused | dropped
        self.clients: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self._listen()
        threading.Thread(target=self._produce, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{PATH}"

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A restart on the same port must not wait for the old connections' TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(16)
        sock.settimeout(0.2)  # accept() wakes up to notice that drop closed the socket
        self.port = sock.getsockname()[1]
        self.listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock: socket.socket) -> None:
        while self.listener is sock:
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _produce(self) -> None:
        period = 1.0 / self.player.fps
        due = time.monotonic()
        while True:
            due += period
            with self.cond:
                playing = self.state == "playing"
            if playing:
                index, frame = self.player.next()
                ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
                if ok:
                    with self.cond:
                        self.jpeg, self.index = buf.tobytes(), index
                        self.sent += 1
                        self.cond.notify_all()
            time.sleep(max(0.0, due - time.monotonic()))
            due = max(due, time.monotonic() - period)

    def _serve(self, conn: socket.socket) -> None:
        with self.cond:
            if self.state == "dropped":
                conn.close()
                return
            self.clients.add(conn)
        try:
            conn.settimeout(5.0)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 8192:
                chunk = conn.recv(1024)
                if not chunk:
                    return
                head += chunk
            parts = head.split(b"\r\n", 1)[0].split()
            if len(parts) < 2 or parts[0] != b"GET" or parts[1].split(b"?")[0] != PATH.encode():
                conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            conn.sendall(
                b"HTTP/1.0 200 OK\r\nCache-Control: no-cache\r\nConnection: close\r\n"
                b"Content-Type: multipart/x-mixed-replace; boundary=" + BOUNDARY + b"\r\n\r\n"
            )
            seen = 0
            while True:
                with self.cond:
                    # While paused nothing is sent, not even the last frame to a new connection.
                    while (self.sent == seen or self.state != "playing") and conn in self.clients:
                        self.cond.wait(0.5)
                    if conn not in self.clients:
                        return
                    jpeg, seen = self.jpeg, self.sent
                conn.sendall(
                    b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\n"
                    b"Content-Length: " + str(len(jpeg)).encode() + b"\r\n\r\n" + jpeg + b"\r\n"
                )
        except OSError:
            pass
        finally:
            with self.cond:
                self.clients.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def pause(self) -> None:
        with self.cond:
            if self.state == "playing":
                self.state = "paused"

    def drop(self) -> None:
        with self.cond:
            self.state = "dropped"
            listener, self.listener = self.listener, None
            clients, self.clients = set(self.clients), set()
            self.cond.notify_all()
        if listener is not None:
            listener.close()
        for conn in clients:
            # shutdown() wakes a thread blocked in sendall and sends the FIN at once.
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        with self.cond:
            dropped = self.state == "dropped"
            self.state = "playing"
        if dropped:
            self._listen()

    def stat(self) -> dict[str, Any]:
        with self.cond:
            return {"state": self.state, "sent": self.sent, "index": self.index, "clients": len(self.clients)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m drivers.camera.simulator", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--source", required=True, help="a video or image file")
    ap.add_argument("--http", default="127.0.0.1:0", help="HOST:PORT to serve on (port 0: any free port)")
    ap.add_argument(
        "--fps", type=float, default=0.0, help="frame rate (default: the video's, 10 for an image)"
    )
    args = ap.parse_args(argv)
    host, _, port = args.http.rpartition(":")
    player = Player(args.source, args.fps)
    server = MjpegServer(host or "127.0.0.1", int(port or 0), player)
    announce(
        device=server.url,
        port=server.port,
        fps=player.fps,
        width=player.width,
        height=player.height,
    )

    def handle(words: list[str]) -> dict[str, Any] | None:
        command = words[0]
        if command == "pause":
            server.pause()
        elif command == "drop":
            server.drop()
        elif command == "restore":
            server.restore()
        elif command != "stat":
            raise ValueError(f"unknown command {command!r} (pause, drop, restore, stat, quit)")
        return server.stat()

    control_loop(handle)
    server.drop()


if __name__ == "__main__":
    main()
