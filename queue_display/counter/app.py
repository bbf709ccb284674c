"""Starts the counter terminal: configuration, the LED window display, the QML screens."""

from __future__ import annotations

import argparse
from pathlib import Path

from queue_display.counter.backend import CounterBackend
from queue_display.palette import palette
from queue_display.qtapp import load_app_config, make_app, run_qml


def main(args: argparse.Namespace) -> int:
    config = load_app_config("counter", args.config)
    if config is None:
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
        extra={"state": lambda _cmd: backend.model.view(), "requests": lambda _cmd: backend.requests_sent()},
        app=app,
        on_quit=backend.shutdown,
    )
