"""`queue-display` command. For now: `watch`, a terminal view of the hall's calls for technicians.

It follows the back office's event stream with `since=`, so after a restart or a network drop it resumes
where it stopped and never prints a call twice.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading

from kiosk.client import Event, EventFollower, FollowerState, Link


def _line(ev: Event) -> str | None:
    t = ev.data.get("ticket") or {}
    kind = ev.type
    if kind == "ticket.called":
        return f"请 {t['number']} 号到 {t['window']} 号窗口办理   ({t['number']} to window {t['window']})"
    if kind == "ticket.recalled":
        return f"请 {t['number']} 号到 {t['window']} 号窗口办理 (重呼 recall {ev.data.get('recall')})"
    if kind == "ticket.issued":
        return f"取号 issued {t['number']} ({t['colour']}, {t['matter']})"
    return None


def watch(hall: str, token: str, since: int) -> None:
    done = threading.Event()

    def on_event(ev: Event) -> None:
        line = _line(ev)
        if line:
            print(f"[{ev.seq}] {line}", flush=True)

    def on_state(state: FollowerState) -> None:
        if state.link is Link.REFUSED:
            print(f"queue-display: {state.error}", file=sys.stderr)
            done.set()
        elif not state.connected:
            print(f"queue-display: hall unreachable ({state.error}); retrying", file=sys.stderr)

    follower = EventFollower(hall, token, on_event, since=since, on_state=on_state)
    follower.start()
    try:
        done.wait()
    finally:
        follower.stop()
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="queue-display", description="Hall call board and counter terminal")
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("watch", help="print the hall's calls as they happen (terminal call board)")
    w.add_argument("--hall", default=os.environ.get("HALL_URL", "http://127.0.0.1:8750"))
    w.add_argument("--token", default=os.environ.get("HALL_TOKEN"), help="a display token (or $HALL_TOKEN)")
    w.add_argument("--since", type=int, default=0, help="replay events after this sequence number")
    # The Qt apps, each in its own package exposing add_arguments(parser) and run(args) -> exit code.
    apps = {
        "board": ("queue_display.board", "the hall call board (full screen, spoken calls)"),
        "counter": ("queue_display.counter", "the counter terminal staff use to call and serve"),
        "rating": ("queue_display.rating", "the resident-facing rating pad (好差评) of one counter"),
    }
    broken: dict[str, str] = {}
    for name, (module, help_text) in apps.items():
        p = sub.add_parser(name, help=help_text)
        try:
            importlib.import_module(module).add_arguments(p)
        except Exception as exc:  # one broken app must not take the others (or `watch`) down with it
            broken[name] = f"{type(exc).__name__}: {exc}"
        p.set_defaults(app_module=module)
    args = ap.parse_args(argv)
    if args.command in broken:
        print(f"queue-display {args.command}: cannot load: {broken[args.command]}", file=sys.stderr)
        return 1
    if args.command in apps:
        return int(importlib.import_module(args.app_module).run(args))
    if not args.token:
        print(
            "queue-display: give --token (create one with `kiosk token create --role display`)",
            file=sys.stderr,
        )
        return 2
    try:
        watch(args.hall, args.token, args.since)
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
