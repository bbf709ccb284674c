"""Starts the rating pad: configuration, the display token, the QML screens."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from queue_display.palette import palette
from queue_display.qtapp import load_app_config, make_app, run_qml
from queue_display.rating.backend import RatingBackend


def default_data_dir() -> Path:
    """Where the pad keeps what must survive a restart: $XDG_STATE_HOME/queue-display (~/.local/state)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "queue-display"


def main(args: argparse.Namespace) -> int:
    config = load_app_config("rating", args.config)
    if config is None:
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
        args.counter,
        args.hall or config.display.hall_url or None,
        token,
        config.display.rating_timeout_s,
        Path(args.data) if args.data else default_data_dir(),
    )
    return run_qml(
        Path(__file__).with_name("qml") / "Main.qml",
        {"backend": backend, "theme": palette()},
        locale,
        "rating",
        automation=args.automation,
        fullscreen=args.fullscreen,
        extra={
            "state": lambda _cmd: {**backend.flow.view(), "outbox": backend.outbox.pending_count()},
            "recorded": lambda _cmd: backend.recorded,
        },
        app=app,
        on_quit=backend.shutdown,
    )
