"""`queue-display board`: the hall's call board (full screen, spoken calls).

Only argparse lives here: Qt is imported inside run(), so `queue-display --help` stays light.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hall", help="back office base URL; default: config display.hall_url, else zeroconf"
    )
    parser.add_argument("--config", help="hall TOML file ([display] and [devices.speech] are read)")
    parser.add_argument("--token", help="display token; default: config display.token, else $HALL_TOKEN")
    parser.add_argument(
        "--locale", choices=["zh_CN", "en"], help="main screen language (config display.locale)"
    )
    parser.add_argument("--windowed", action="store_true", help="a 1920x1080 window instead of full screen")
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=1.0,
        help="seconds between polls when the WebSocket is unavailable",
    )
    parser.add_argument(
        "--automation", action="store_true", help="JSON commands on stdin, answers on stdout (tests)"
    )


def run(args: argparse.Namespace) -> int:
    from queue_display.board.app import run_board

    return run_board(args)
