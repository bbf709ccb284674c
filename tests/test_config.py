"""The configuration loader: defaults, overlays, and errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_are_the_design_numbers() -> None:
    c = load_config()
    q = c.queue
    assert (q.max_wait_s, q.priority_burst, q.max_recalls, q.requeue_offset, q.green_age) == (
        1800,
        2,
        2,
        3,
        60,
    )
    assert q.day_start_minute == 0 and c.hall.timezone == "Asia/Shanghai"
    assert (c.server.host, c.server.port) == ("127.0.0.1", 8750)


def test_overlay_changes_only_what_it_names(tmp_path: Path) -> None:
    c = load_config(write(tmp_path, '[queue]\npriority_burst = 3\nbusiness_day_start = "04:30"\n'))
    assert c.queue.priority_burst == 3 and c.queue.day_start_minute == 270 and c.queue.max_wait_s == 1800


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[queue]\nmax_wait = 10\n", "unknown setting 'queue.max_wait'"),
        ("[queue]\nmax_wait_s = '10'\n", "'queue.max_wait_s' must be int"),
        ("[server]\nport = true\n", "'server.port' must be int"),
        ("[server]\nport = 70000\n", "server.port"),
        ("[queue]\nmax_recalls = -1\n", "must not be negative"),
        ("[queue]\npriority_burst = 0\n", "'queue.priority_burst' must be at least 1"),
        ('[queue]\nbusiness_day_start = "25:00"\n', "HH:MM"),
        ('[hall]\ntimezone = "Mars/Olympus"\n', "not a known time zone"),
        ("[queue\n", "not valid TOML"),
        ("queue = 1\n", "'queue' must be a table"),
        ("[discovery]\ninterfaces = [1]\n", "list of strings"),
        ("[hall.hours]\nmonday = []\n", "unknown setting 'hall.hours.monday'"),
        ('[hall.hours]\nmon = ["9:00-17:00"]\n', "'hall.hours'.mon: '9:00-17:00' is not a range HH:MM-HH:MM"),
        ('[hall.hours]\nsat = ["17:00-09:00"]\n', "must end after it starts"),
        ('[hall]\nclosed_dates = ["2026-13-01"]\n', "closed date '2026-13-01' is not YYYY-MM-DD"),
        (
            '[hall]\nticket_hours = ["08:00-12:00", "12:00-13:00"]\n',
            "'hall.ticket_hours': the ranges overlap",
        ),
        ("[hall]\ndaily_quota = -5\n", "'hall.daily_quota' must be 0..9999"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert words in str(err.value) and str(path) in str(err.value)


def test_opening_hours_overlay(tmp_path: Path) -> None:
    text = (
        '[hall]\nclosed_dates = ["2026-10-01"]\ndaily_quota = 80\n'
        '[hall.hours]\nsun = []\nmon = ["08:30-12:00", "13:30-17:30"]\n'
    )
    hall = load_config(write(tmp_path, text)).hall
    assert hall.opening_hours.to_dict()["week"]["mon"] == ["08:30-12:00", "13:30-17:30"]
    assert hall.opening_hours.to_dict()["week"]["sun"] == []
    assert hall.opening_hours.to_dict()["week"]["tue"] == ["00:00-24:00"]  # not named: the default
    assert hall.opening_hours.to_dict()["closed_dates"] == ["2026-10-01"] and hall.daily_quota == 80


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")


def test_the_kiosk_table_has_defaults_and_its_values_are_checked(tmp_path: Path) -> None:
    k = load_config().kiosk
    assert (k.hall_url, k.token, k.device_id, k.locale, k.outbox) == ("", "", "kiosk-1", "zh_CN", "")
    text = '[kiosk]\nhall_url = "http://10.0.0.2:8750"\ndevice_id = "k2"\n'
    given = load_config(write(tmp_path, text)).kiosk
    assert (given.hall_url, given.device_id) == ("http://10.0.0.2:8750", "k2")
    with pytest.raises(ConfigError, match=r"kiosk\.locale"):
        load_config(write(tmp_path, '[kiosk]\nlocale = "fr"\n'))
    with pytest.raises(ConfigError, match=r"kiosk\.device_id"):
        load_config(write(tmp_path, '[kiosk]\ndevice_id = "a/b"\n'))
