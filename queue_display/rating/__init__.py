"""Rating pad: `queue-display rating --counter ID [--hall URL]`, a counter's resident-facing 好差评 device.

After staff finish a ticket at the counter, it asks the resident to rate the service with the five levels
(reasons for the lower two). Voluntary: skipping is one tap, and an unanswered prompt closes by itself.
"""

from __future__ import annotations

import argparse
import os


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--counter", required=True, metavar="ID", help="the counter whose finished tickets it rates"
    )
    p.add_argument(
        "--hall", metavar="URL", help="back office URL (default: [display] hall_url, else zeroconf)"
    )
    p.add_argument("--config", metavar="FILE", help="hall configuration: [display] token, rating_timeout_s")
    p.add_argument(
        "--token", default=os.environ.get("HALL_TOKEN"), help="display token (default: [display] token)"
    )
    p.add_argument("--locale", choices=("zh_CN", "en"), help="screen language (default: [display] locale)")
    p.add_argument(
        "--data",
        metavar="DIR",
        default=os.environ.get("QUEUE_DISPLAY_DATA"),
        help="where unsent ratings wait (default: $QUEUE_DISPLAY_DATA, else ~/.local/state/queue-display)",
    )
    p.add_argument("--fullscreen", action="store_true", help="fill the screen (the pad's own display)")
    p.add_argument(
        "--automation", action="store_true", help="take JSON test commands on stdin (prints nothing else)"
    )


def run(args: argparse.Namespace) -> int:
    from queue_display.rating.app import main

    return main(args)
