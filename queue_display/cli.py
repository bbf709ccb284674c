"""`queue-display` command. For now: `watch`, a terminal view of the hall's calls for technicians.

It follows the back office's event stream with `since=`, so after a restart or a network drop it resumes
where it stopped and never prints a call twice.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

import websockets


def _line(ev: dict) -> str | None:  # type: ignore[type-arg]
    t = (ev.get("data") or {}).get("ticket") or {}
    kind = ev["type"]
    if kind == "ticket.called":
        return f"请 {t['number']} 号到 {t['window']} 号窗口办理   ({t['number']} to window {t['window']})"
    if kind == "ticket.recalled":
        return f"请 {t['number']} 号到 {t['window']} 号窗口办理 (重呼 recall {ev['data'].get('recall')})"
    if kind == "ticket.issued":
        return f"取号 issued {t['number']} ({t['colour']}, {t['matter']})"
    return None


async def watch(hall: str, token: str, since: int, once: bool = False) -> None:
    url = hall.rstrip("/").replace("http://", "ws://").replace("https://", "wss://") + "/api/v1/events/ws"
    last = since
    delay = 0.2
    while True:
        try:
            async with websockets.connect(f"{url}?since={last}&token={token}") as ws:
                delay = 0.2
                async for raw in ws:
                    ev = json.loads(raw)
                    last = ev["seq"]
                    line = _line(ev)
                    if line:
                        print(f"[{ev['seq']}] {line}", flush=True)
                    if once:
                        return
        except (OSError, websockets.WebSocketException) as exc:
            code = getattr(getattr(exc, "rcvd", None), "code", None)
            if code in (4401, 4403):
                print(f"queue-display: the hall refused the token ({exc})", file=sys.stderr)
                raise SystemExit(2) from exc
            print(f"queue-display: hall unreachable ({exc}); retrying in {delay:.1f}s", file=sys.stderr)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="queue-display", description="Hall call board and counter terminal")
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("watch", help="print the hall's calls as they happen (terminal call board)")
    w.add_argument("--hall", default=os.environ.get("HALL_URL", "http://127.0.0.1:8750"))
    w.add_argument("--token", default=os.environ.get("HALL_TOKEN"), help="a display token (or $HALL_TOKEN)")
    w.add_argument("--since", type=int, default=0, help="replay events after this sequence number")
    args = ap.parse_args(argv)
    if not args.token:
        print(
            "queue-display: give --token (create one with `kiosk token create --role display`)",
            file=sys.stderr,
        )
        return 2
    try:
        asyncio.run(watch(args.hall, args.token, args.since))
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
