"""Starts the rating pad: configuration, the display token, the QML screens."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.config import ConfigError, load_config
from queue_display.palette import palette
from queue_display.qtapp import make_app, run_qml
from queue_display.rating.backend import RatingBackend


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"queue-display rating: {exc}", file=sys.stderr)
        return 2
    token = args.token or config.display.token
    if not token:
        print(
            "queue-display rating: give --token or [display] token "
            "(create one with `kiosk token create --role display`)",
            file=sys.stderr,
        )
        return 2
    locale = args.locale or config.display.locale
    app = make_app()
    backend = RatingBackend(
        args.counter, args.hall or config.display.hall_url or None, token, config.display.rating_timeout_s
    )
    return run_qml(
        Path(__file__).with_name("qml") / "Main.qml",
        {"backend": backend, "theme": palette()},
        locale,
        "rating",
        automation=args.automation,
        fullscreen=args.fullscreen,
        extra={
            "state": lambda _cmd: {**backend.flow.view(), "outbox": len(backend.outbox)},
            "recorded": lambda _cmd: backend.recorded,
        },
        app=app,
        on_quit=backend.shutdown,
    )
