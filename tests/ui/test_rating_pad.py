"""The rating pad as residents meet it: the real back office, the real pad process (offscreen, --automation),
tickets finished at its counter through the API as a counter terminal would."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.support import Api
from tests.ui.test_counter_terminal import SHOTS, SOCIAL, AppProcess, Hall
from tests.ui.test_counter_terminal import hall as hall  # the fixture, shared

TIMEOUT_S = 3


def serve(api: Api, counter: str) -> dict[str, Any]:
    """Issue a ticket, and call, start and finish it at `counter`."""
    assert api.issue(SOCIAL).status_code == 201
    ticket = api.post(f"/counters/{counter}/call-next", "counter").json()
    assert api.post(f"/counters/{counter}/start", "counter").status_code == 200
    assert api.post(f"/counters/{counter}/finish", "counter").status_code == 200
    return dict(ticket)


def ratings(api: Api) -> dict[str, dict[str, Any]]:
    """ticket id -> the ticket.rated event's data."""
    events = api.get("/events?since=0", "display").json()["events"]
    return {e["data"]["ticket"]["id"]: e["data"] for e in events if e["type"] == "ticket.rated"}


def start_pad(hall: Hall, tmp_path: Path, counter: str, locale: str) -> AppProcess:
    config = tmp_path / f"pad-{counter}.toml"
    config.write_text(f"[display]\nrating_timeout_s = {TIMEOUT_S}\n")
    pad = AppProcess(
        "queue_display.cli",
        *("rating", "--counter", counter, "--hall", hall.proc.url, "--token", hall.api.tokens["display"]),
        *("--config", str(config), "--locale", locale, "--data", str(tmp_path / f"pad-{counter}-data")),
        log=tmp_path / f"pad-{counter}-{len(list(tmp_path.glob(f'pad-{counter}*.log')))}.log",
    )
    pad.wait_prop("offline", "visible", False)  # following the hall's events
    return pad


def test_rating_pad_asks_after_finish_records_skips_and_times_out(hall: Hall, tmp_path: Path) -> None:
    api = hall.api
    pad = start_pad(hall, tmp_path, "c1", "zh_CN")
    try:
        assert pad.prop("idleScreen", "visible") is True
        audit = pad.ask("audit")
        assert audit["min_text_px"] >= 32, audit

        # --- finished at its counter: the five levels, none preselected ---
        a = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        assert pad.prop("ratingPrompt") == "请为本次服务评价"
        assert pad.ask("state")["level"] == 0
        labels = [pad.prop(f"level_{n}") for n in (5, 4, 3, 2, 1)]
        assert labels == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        assert not any(pad.prop(f"level_{n}", "checked") for n in range(1, 6))
        audit = pad.ask("audit")
        assert audit["min_text_px"] >= 32 and audit["min_button_px"] >= 80, audit
        pad.screenshot(SHOTS / "rating-zh_CN.png")

        # --- 不满意 asks why; the reason goes to the back office with the level ---
        pad.click("level_2")
        pad.wait_prop("reasonsScreen", "visible", True)
        assert pad.ask("audit")["min_button_px"] >= 80
        pad.click("tag_attitude")
        pad.wait_text("tag_attitude", "☑")
        pad.click("submitRating")
        pad.wait_prop("thanksScreen", "visible", True)
        got = pad.wait("the rating recorded", lambda: ratings(api).get(a["id"]))
        assert got["level"] == 2 and got["tags"] == ["attitude"]
        stats = api.get("/stats", "technician").json()["ratings"]
        assert stats["count"] == 1 and stats["levels"]["2"] == 1

        # --- a finish at another counter is not this pad's business ---
        pad.wait_prop("idleScreen", "visible", True, timeout=8)  # the thank-you goes by itself
        b = serve(api, "c2")
        time.sleep(0.5)
        assert pad.prop("idleScreen", "visible") is True and pad.ask("state")["number"] == ""

        # --- skipping records nothing ---
        c = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        assert c["number"] in pad.ask("state")["number"]
        pad.click("skipRating")
        pad.wait_prop("idleScreen", "visible", True)

        # --- no answer: back to idle quietly after rating_timeout_s, nothing recorded ---
        d = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        t0 = time.monotonic()
        pad.wait_prop("idleScreen", "visible", True, timeout=TIMEOUT_S + 3)
        assert time.monotonic() - t0 >= TIMEOUT_S - 0.5

        # --- rated elsewhere meanwhile (already rated): the pad just closes the question ---
        e = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        r = api.post(f"/tickets/{e['id']}/rating", "display", json={"level": 4, "tags": []})
        assert r.status_code == 201, r.text
        pad.wait_prop("idleScreen", "visible", True)

        # --- a top level is recorded at once, without reasons ---
        f = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        pad.click("level_5")
        pad.wait_prop("thanksScreen", "visible", True)
        top = pad.wait("the 5 recorded", lambda: ratings(api).get(f["id"]))
        assert top["level"] == 5 and top["tags"] == []

        # --- the back office goes away just as the resident rates: kept, and delivered once it is back ---
        g = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        hall.proc.kill()
        pad.click("level_4")
        pad.wait_prop("thanksScreen", "visible", True)  # the resident is not bothered with it
        assert pad.ask("state")["outbox"] == 1
        hall.proc.start()
        later = pad.wait("the kept rating delivered", lambda: ratings(api).get(g["id"]), timeout=15)
        assert later["level"] == 4 and pad.ask("state")["outbox"] == 0

        rated = ratings(api)
        assert b["id"] not in rated and c["id"] not in rated and d["id"] not in rated
        assert rated[e["id"]]["level"] == 4
    finally:
        pad.close()


def test_rating_pad_in_english(hall: Hall, tmp_path: Path) -> None:
    pad = start_pad(hall, tmp_path, "c2", "en")
    try:
        serve(hall.api, "c2")
        pad.wait_prop("levelsScreen", "visible", True)
        assert pad.prop("ratingPrompt") == "Please rate this service"
        assert pad.prop("level_1") == "Very dissatisfied"
        pad.screenshot(SHOTS / "rating-en.png")
        pad.click("level_1")
        pad.wait_prop("reasonsScreen", "visible", True)
        assert pad.ask("audit")["min_text_px"] >= 32
    finally:
        pad.close()


def test_an_unsent_rating_survives_the_pad_being_killed(hall: Hall, tmp_path: Path) -> None:
    api = hall.api
    pad = start_pad(hall, tmp_path, "c1", "en")
    try:
        t = serve(api, "c1")
        pad.wait_prop("levelsScreen", "visible", True)
        hall.proc.kill()
        pad.click("level_4")
        pad.wait_prop("thanksScreen", "visible", True)
        assert pad.ask("state")["outbox"] == 1
    finally:
        pad.proc.kill()  # no goodbye: the rating is only on disk now
        pad.proc.wait(10)
    hall.proc.start()
    again = start_pad(hall, tmp_path, "c1", "en")
    try:
        got = again.wait("the kept rating delivered", lambda: ratings(api).get(t["id"]), timeout=15)
        assert got["level"] == 4 and again.ask("state")["outbox"] == 0
        events = api.get("/events?since=0", "display").json()["events"]
        assert [e["data"]["ticket"]["id"] for e in events if e["type"] == "ticket.rated"] == [t["id"]]
    finally:
        again.close()
