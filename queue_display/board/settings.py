"""The board's settings: command line over the hall TOML's [display] and [devices.speech]. Qt-free."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from typing import Any

from kiosk.config import ConfigError, load_config


@dataclass(frozen=True)
class BoardSettings:
    hall_url: str | None  # None: find the hall with zeroconf
    token: str
    languages: list[str]  # the main one first; at most two
    announce_languages: tuple[str, ...]
    announce_repeat: int
    notices: list[str]
    recent_calls: int
    flash_times: int
    hall_name: tuple[str, str]
    speech: dict[str, Any] = field(default_factory=dict)


def board_languages(primary: str, configured: tuple[str, ...]) -> list[str]:
    # The main language first, at most one more beneath it: more than two lines per label is unreadable.
    return [primary, *[x for x in configured if x != primary]][:2]


def notices_for(notices: tuple[str, ...] | list[str], languages: list[str]) -> list[str]:
    # Notices are free text without a language tag: one with Chinese characters is a zh_CN notice, so an
    # English-only board does not scroll Chinese (and the reverse). If none fit, show them all.
    def lang(text: str) -> str:
        return "zh_CN" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"

    return [n for n in notices if lang(n) in languages] or list(notices)


def load_settings(args: argparse.Namespace) -> BoardSettings:
    """ConfigError with a message for the technician when something is missing or wrong."""
    config = load_config(args.config)
    display = config.display
    token = args.token or display.token or os.environ.get("HALL_TOKEN", "")
    if not token:
        raise ConfigError(
            "give --token, display.token in the config, or $HALL_TOKEN "
            "(create one with `kiosk token create --role display`)"
        )
    languages = board_languages(args.locale or display.locale, display.board_languages)
    return BoardSettings(
        hall_url=args.hall or display.hall_url or None,
        token=token,
        languages=languages,
        announce_languages=display.announce_languages,
        announce_repeat=display.announce_repeat,
        notices=notices_for(display.notices, languages),
        recent_calls=display.recent_calls,
        flash_times=display.flash_times,
        hall_name=(config.hall.name, config.hall.name_en),
        speech=dict(config.devices.get("speech", {})),
    )
