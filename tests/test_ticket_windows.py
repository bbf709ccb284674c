"""The ticket view names the windows that serve its matter, for the kiosk's ticket screen."""

from __future__ import annotations

from tests.conftest import HallFactory
from tests.test_api import ENTERPRISE, RESIDENCE, SOCIAL, setup_counters


def test_windows_follow_the_counters(make_hall: HallFactory) -> None:
    _, api = make_hall()
    assert api.issue(SOCIAL).json()["windows"] == []  # no counter yet
    setup_counters(api)  # window 1: social; window 2: enterprise and SOCIAL
    social = api.issue(SOCIAL).json()
    assert social["windows"] == [1, 2]
    assert api.issue(ENTERPRISE).json()["windows"] == [2]
    assert api.issue(RESIDENCE).json()["windows"] == []
    r = api.put(
        "/counters/c9",
        "admin",
        json={"window": 9, "name_zh": "九号窗口", "name_en": "Window 9", "matters": [SOCIAL]},
    )
    assert r.status_code == 201, r.text
    called = api.post("/counters/c9/call-next", "counter").json()
    assert api.get(f"/tickets/{called['id']}").json()["windows"] == [1, 2, 9]
    assert api.get(f"/tickets/{social['id']}").json()["windows"] == [1, 2, 9]
