"""The board's settings: command line over the hall TOML, languages, notices, the token's sources."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.config import ConfigError
from queue_display.board import add_arguments
from queue_display.board.settings import board_languages, load_settings, notices_for


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_main_language_first_and_at_most_two() -> None:
    assert board_languages("zh_CN", ("zh_CN", "en")) == ["zh_CN", "en"]
    assert board_languages("en", ("zh_CN", "en")) == ["en", "zh_CN"]
    assert board_languages("en", ("en",)) == ["en"]
    assert board_languages("zh_CN", ("en",)) == ["zh_CN", "en"]


def test_notices_follow_the_board_languages() -> None:
    notices = ["请留意叫号。", "Please listen for your number."]
    assert notices_for(notices, ["en"]) == ["Please listen for your number."]
    assert notices_for(notices, ["zh_CN"]) == ["请留意叫号。"]
    assert notices_for(notices, ["zh_CN", "en"]) == notices
    assert notices_for(["只有中文"], ["en"]) == ["只有中文"]  # better a Chinese notice than none


def test_token_sources_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "board.toml"
    cfg.write_text(
        '[display]\ntoken = "from-config"\nhall_url = "http://hall:8750"\nannounce_repeat = 3\n'
        'board_languages = ["en"]\n\n[devices.speech]\noutput = "wav-dir"\nwav_dir = "/tmp/x"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("HALL_TOKEN", "from-env")
    s = load_settings(parse("--config", str(cfg)))
    assert (s.token, s.hall_url, s.announce_repeat, s.languages) == (
        "from-config",
        "http://hall:8750",
        3,
        ["zh_CN", "en"],
    )
    assert s.speech["output"] == "wav-dir" and s.speech["driver"] == "espeak-ng"
    assert load_settings(parse("--config", str(cfg), "--token", "cli", "--hall", "http://x")).token == "cli"
    assert load_settings(parse("--config", str(cfg), "--locale", "en")).languages == ["en"]
    assert load_settings(parse()).token == "from-env"
    assert load_settings(parse()).hall_url is None  # zeroconf
    monkeypatch.delenv("HALL_TOKEN")
    with pytest.raises(ConfigError, match="kiosk token create --role display"):
        load_settings(parse())
