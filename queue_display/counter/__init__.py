"""Counter terminal: `queue-display counter --counter ID [--hall URL]`.

Staff sign in with their own account and call, recall, serve, transfer and pause at their window; the
window's LED display shows the called number. PySide6 is imported only when the app runs.
"""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--counter", required=True, metavar="ID", help="the counter (window) this terminal staffs")
    p.add_argument(
        "--hall", metavar="URL", help="back office URL (default: [display] hall_url, else zeroconf)"
    )
    p.add_argument("--config", metavar="FILE", help="hall configuration: [display] and [devices.led]")
    p.add_argument("--locale", choices=("zh_CN", "en"), help="screen language (default: [display] locale)")
    p.add_argument("--fullscreen", action="store_true", help="fill the screen (a counter's own monitor)")
    p.add_argument(
        "--automation", action="store_true", help="take JSON test commands on stdin (prints nothing else)"
    )


def run(args: argparse.Namespace) -> int:
    from queue_display.counter.app import main

    return main(args)
