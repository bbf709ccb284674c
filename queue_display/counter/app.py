"""Starts the counter terminal: configuration, the LED window display, the QML screens."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.config import ConfigError, load_config
from queue_display.counter.backend import CounterBackend
from queue_display.palette import palette
from queue_display.qtapp import make_app, run_qml


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown real problems
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"queue-display counter: {exc}", file=sys.stderr)
        return 2
    locale = args.locale or config.display.locale
    app = make_app()
    backend = CounterBackend(
        args.counter, args.hall or config.display.hall_url or None, locale, config.devices.get("led")
    )
    return run_qml(
        Path(__file__).with_name("qml") / "Main.qml",
        {"backend": backend, "theme": palette()},
        locale,
        "counter",
        automation=args.automation,
        fullscreen=args.fullscreen,
        extra={"state": lambda _cmd: backend.model.view()},
        app=app,
        on_quit=backend.shutdown,
    )
