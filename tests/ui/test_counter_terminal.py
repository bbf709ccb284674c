"""The counter terminal as staff use it: the real back office on loopback, the real counter process
(offscreen, driven through --automation) and the LED window display simulator as its own process."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import load_config
from kiosk.hall.server import open_hall
from tests.drivers.simproc import SimProc
from tests.support import ROOT, Api, HallProcess, LineReader, make_tokens, write_config

SHOTS = ROOT / "docs" / "screenshots"
SOCIAL = "pension_enrol"  # counter group "social", blue unless green
SOCIAL_2 = "pension_claim"  # first transfer target in catalogue order
ENTERPRISE = "employer_social_insurance_registration"  # yellow
PASSWORD = "correct horse 7"


class AppProcess:
    """A queue-display app under --automation: one JSON command per line, one JSON answer per line."""

    def __init__(self, module: str, *args: str, log: Path, timeout: float = 30.0) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
        self.log = log
        with open(log, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", module, *args, "--automation"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
            )
        self._reader = LineReader(self.proc.stdout)
        first = self._line(timeout)
        assert first.get("ready"), first

    def _line(self, timeout: float) -> dict[str, Any]:
        try:
            return self._reader.json(timeout)
        except (TimeoutError, EOFError) as exc:
            raise AssertionError(f"no answer within {timeout}s ({exc}); app log:\n{self.stderr()}") from exc

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def ask(self, cmd: str, **fields: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **fields}) + "\n").encode())
        self.proc.stdin.flush()
        answer = self._line(20.0)
        if not answer.get("ok"):
            raise AssertionError(f"{cmd} {fields}: {answer}\napp log:\n{self.stderr()}")
        return answer.get("value")

    def prop(self, name: str, prop: str = "text") -> Any:
        return self.ask("prop", name=name, prop=prop)

    def click(self, name: str) -> None:
        self.wait_prop(name, "visible", True)
        self.wait_prop(name, "enabled", True)
        self.ask("click", name=name)

    def wait(self, what: str, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            with contextlib.suppress(AssertionError):
                last = check()
                if last:
                    return last
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what} (last: {last!r})\napp log:\n{self.stderr()}")

    def wait_prop(self, name: str, prop: str, want: Any, timeout: float = 10.0) -> None:
        self.wait(f"{name}.{prop} == {want!r}", lambda: self.prop(name, prop) == want, timeout)

    def wait_text(self, name: str, fragment: str, timeout: float = 10.0) -> str:
        return str(
            self.wait(f"{fragment!r} in {name}", lambda: fragment in (t := self.prop(name)) and t, timeout)
        )

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.ask("screenshot", path=str(path))

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.ask("quit")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@dataclass
class Hall:
    proc: HallProcess
    api: Api

    def staff(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    """One SQLite back office with two counters sharing the social matters, and two staff accounts."""
    data = tmp_path / "hall"
    data.mkdir()
    config = write_config(data / "hall.toml")
    tokens = make_tokens(config, data, None)
    svc = open_hall(load_config(config), data, None)
    try:
        svc.service.create_staff("wangfang", "王芳", PASSWORD)
        svc.service.create_staff("lilei", "Li Lei", PASSWORD)
    finally:
        svc.close()
    proc = HallProcess(data, config)
    proc.start()
    api = Api(proc.url, tokens)
    for cid, window, groups in (("c1", 3, ["social", "enterprise"]), ("c2", 4, ["social"])):
        r = api.put(
            f"/counters/{cid}",
            "admin",
            json={
                "window": window,
                "name_zh": f"{window}号综合窗口",
                "name_en": f"Window {window}",
                "groups": groups,
            },
        )
        assert r.status_code == 201, r.text
    try:
        yield Hall(proc, api)
    finally:
        api.close()
        proc.stop()


def counter_config(tmp_path: Path, led_port: str, **led: object) -> Path:
    extra = "".join(f"{k} = {v}\n" for k, v in led.items())
    path = tmp_path / f"counter-{len(list(tmp_path.glob('counter-*.toml')))}.toml"
    path.write_text(f'[devices.led]\ndriver = "serial"\nport = "{led_port}"\ntimeout_s = 0.2\n{extra}')
    return path


def sign_in(app: AppProcess, username: str, password: str) -> None:
    app.wait_prop("username", "visible", True)
    app.ask("type", name="username", text=username)
    app.ask("type", name="password", text=password)
    app.click("signInButton")


def led_text(sim: SimProc) -> str:
    return str(sim.command("shown")["text"])


def test_counter_terminal_end_to_end(hall: Hall, tmp_path: Path) -> None:
    api = hall.api
    for matter, reason in ((SOCIAL, "age"), (ENTERPRISE, None), (SOCIAL, None), ("medical_enrol", None)):
        assert api.issue(matter, green_reason=reason).status_code == 201  # G001 Y001 B001 B002

    with SimProc("drivers.led.simulator", "--link", str(tmp_path / "ttyLED"), "--address", "3") as led:
        config = counter_config(tmp_path, led.device)
        app = AppProcess(
            "queue_display.cli",
            *(
                "counter",
                "--counter",
                "c1",
                "--hall",
                hall.proc.url,
                "--config",
                str(config),
                "--locale",
                "zh_CN",
            ),
            log=tmp_path / "counter.log",
        )
        try:
            _drive(app, hall, led)
        finally:
            app.close()

        # The English screen, at the other counter: a second terminal signs in as another staff member.
        en = AppProcess(
            "queue_display.cli",
            *("counter", "--counter", "c2", "--hall", hall.proc.url, "--locale", "en"),
            *("--config", str(counter_config(tmp_path, led.device, address=3))),
            log=tmp_path / "counter-en.log",
        )
        try:
            api.issue(SOCIAL)
            sign_in(en, "lilei", PASSWORD)
            en.wait_text("staffName", "Staff: Li Lei")
            en.click("callNextButton")
            en.wait_text("notice", "Called B")
            en.click("startButton")
            en.wait_prop("currentStatus", "text", "Being served")
            en.screenshot(SHOTS / "counter-en.png")
            audit = en.ask("audit")
            assert audit["min_text_px"] >= 24 and audit["min_button_px"] >= 60, audit
        finally:
            en.close()


def _drive(app: AppProcess, hall: Hall, led: SimProc) -> None:
    api = hall.api
    # --- sign in: a wrong password is refused readably; the right one opens the counter ---
    app.wait_text("loginTitle", "c1")
    audit = app.ask("audit")
    assert audit["min_text_px"] >= 24 and audit["min_button_px"] >= 60, audit
    app.ask("type", name="username", text="wangfang")
    app.screenshot(SHOTS / "counter-login.png")
    app.ask("type", name="password", text="not my password")
    app.click("signInButton")
    app.wait_text("loginError", "用户名或密码不正确")
    app.wait_prop("password", "activeFocus", True)  # ready to retype
    app.ask("type", name="password", text=PASSWORD)
    app.click("signInButton")
    app.wait_text("staffName", "王芳")
    app.wait_prop("counterTitle", "text", "3号综合窗口")
    app.wait_prop("waiting_green", "text", "1")
    assert app.prop("waiting_yellow") == "1" and app.prop("waiting_blue") == "2"
    app.wait_prop("callNextButton", "enabled", True)  # once the event stream is followed
    for name in ("recallButton", "noShowButton", "startButton", "finishButton", "transferButton"):
        assert app.prop(name, "enabled") is False, name
    audit = app.ask("audit")
    assert audit["min_text_px"] >= 24 and audit["min_button_px"] >= 60, audit

    # --- call: the ticket, its staff-only green reason, and the LED window display ---
    app.click("callNextButton")
    app.wait_prop("currentNumber", "text", "G001")
    assert app.prop("greenReason") == "绿色通道 · 高龄（身份证自动识别）"
    assert app.prop("recallCount") == "重呼 0/2"
    app.wait("the LED shows G001", lambda: led_text(led) == "G001")
    # The blink is a second command after the show: the display may be read between the two.
    app.wait(
        "the LED blinks", lambda: [h["cmd"] for h in led.command("shown")["history"]][:2] == ["show", "blink"]
    )
    assert led.command("shown")["history"][1]["period_s"] >= 1 / 3  # at most 3 flashes a second
    app.wait_prop("waiting_green", "text", "0")

    # --- recall up to max_recalls, then only no-show is left ---
    app.click("recallButton")
    app.wait_prop("recallCount", "text", "重呼 1/2")
    app.click("recallButton")
    app.wait_prop("recallCount", "text", "重呼 2/2")
    app.wait_prop("recallButton", "enabled", False)
    app.wait(
        "a blink per call", lambda: [h["cmd"] for h in led.command("shown")["history"]].count("blink") == 3
    )
    assert app.prop("noShowButton", "enabled") is True
    app.click("noShowButton")
    app.wait_text("notice", "G001 已标记为过号")
    app.wait_prop("noCurrent", "visible", True)
    app.wait("the LED cleared", lambda: led_text(led) == "")

    # --- reinstate from today's no-shows ---
    app.click("reinstateButton")
    app.click("reinstate_G001")
    app.wait_text("notice", "G001 已恢复排队")
    app.wait_prop("waiting_green", "text", "1")

    # --- call again, serve: the README screenshot is a green ticket being served ---
    app.click("callNextButton")
    app.wait_prop("currentNumber", "text", "G001")
    app.click("startButton")
    app.wait_prop("currentStatus", "text", "办理中")
    app.wait_prop("waiting_green", "text", "0")
    assert app.prop("recallButton", "enabled") is False and app.prop("finishButton", "enabled") is True
    app.screenshot(SHOTS / "counter-zh_CN.png")
    app.click("finishButton")
    app.wait_text("notice", "G001 已办结")
    assert api.get("/counters/c1", "display").json()["current"] is None

    # --- an LED fault never blocks calling: the call goes through, a small warning says why ---
    led.command("unplug")
    app.click("callNextButton")  # the priority streak is used up: the earliest blue
    app.wait_prop("currentNumber", "text", "B001")
    app.wait_text("ledWarning", "窗口屏未连接")
    led.command("replug")

    # --- transfer to another matter, picked from the catalogue ---
    app.click("startButton")
    app.wait_prop("transferButton", "enabled", True)
    app.click("transferButton")
    app.click(f"transferTo_{SOCIAL_2}")
    app.wait_text("notice", "B001 已转办至“城乡居民基本养老保险待遇申领”")
    moved = [t for t in api.get("/queue").json()["waiting_by_matter"].get(SOCIAL_2, {}).items() if t[1]]
    assert moved == [("blue", 1)]
    app.wait_prop("ledWarning", "visible", False)  # the LED answered again (the display was cleared)

    # --- a refusal from the back office is shown readably: a stale no-show list ---
    app.click("callNextButton")
    app.wait_prop("currentNumber", "text", "Y001")
    app.click("noShowButton")
    app.wait_text("notice", "Y001 已标记为过号")
    app.click("reinstateButton")
    app.wait_prop("reinstate_Y001", "visible", True)
    y001 = api.get("/counters/c1/tickets?status=no_show", "counter").json()[0]
    assert api.post(f"/tickets/{y001['id']}/reinstate", "counter").status_code == 200  # the desk was quicker
    app.click("reinstate_Y001")
    app.wait_text("notice", "该号不是过号状态")

    # --- pause: calling is greyed out here, and the back office refuses calls to a paused counter ---
    app.click("pauseButton")
    app.wait_prop("pausedChip", "visible", True)
    app.wait_prop("callNextButton", "enabled", False)
    assert app.prop("pauseButton") == "恢复"
    refused = api.post("/counters/c1/call-next", "counter")
    assert refused.status_code == 409 and refused.json()["code"] == "counter_paused"
    app.click("pauseButton")
    app.wait_prop("callNextButton", "enabled", True)

    # --- the back office goes away: a banner, nothing to press; back: the terminal recovers by itself ---
    hall.proc.kill()
    app.wait_prop("offlineBanner", "visible", True)
    app.wait_prop("callNextButton", "enabled", False)
    assert "无法连接后台" in app.prop("offlineText")
    hall.proc.start()
    app.wait_prop("offlineBanner", "visible", False, timeout=15)
    app.click("callNextButton")
    app.wait_text("notice", "已呼叫 Y001")  # the yellow the desk reinstated
    app.wait("the LED shows the new call", lambda: led_text(led) == "Y001")

    # --- sign out: back to the login screen ---
    app.click("logoutButton")
    app.wait_prop("username", "visible", True)


def test_the_waiting_line_follows_ticket_events_without_reading_the_queue(hall: Hall, tmp_path: Path) -> None:
    api = hall.api
    app = AppProcess(
        "queue_display.cli",
        *("counter", "--counter", "c2", "--hall", hall.proc.url, "--locale", "en"),
        log=tmp_path / "counter.log",
    )
    try:
        sign_in(app, "lilei", PASSWORD)
        app.wait_prop("callNextButton", "enabled", True)  # connected and following
        app.wait_prop("waiting_blue", "text", "0")
        # The connect sequence and the catch-up after the stream connects read the queue; nothing after.
        reads = app.wait("the start-up reads", lambda: app.ask("requests").get("GET /queue", 0) >= 2)
        assert reads
        before = app.ask("requests")
        for n in range(1, 6):
            assert api.issue(SOCIAL).status_code == 201
            app.wait_prop("waiting_blue", "text", str(n))
        assert api.post("/counters/c1/call-next", "counter").status_code == 200  # another counter calls
        app.wait_prop("waiting_blue", "text", "4")
        assert api.issue(ENTERPRISE).status_code == 201  # c2 does not serve it: its line does not move
        assert api.issue(SOCIAL).status_code == 201
        app.wait_prop("waiting_blue", "text", "5")
        after = app.ask("requests")
        assert after.get("GET /queue", 0) == before.get("GET /queue", 0), (before, after)
        assert after.get("GET /counters/c2", 0) == before.get("GET /counters/c2", 0), (before, after)
        assert app.prop("waiting_yellow") == "0"
    finally:
        app.close()


def test_a_kiosk_call_for_staff_shows_on_the_counter_until_answered(hall: Hall, tmp_path: Path) -> None:
    api = hall.api
    early = api.post("/help", "kiosk", headers={"Idempotency-Key": "call-1"})  # made before the terminal
    assert early.status_code == 201, early.text
    app = AppProcess(
        "queue_display.cli",
        *("counter", "--counter", "c2", "--hall", hall.proc.url, "--locale", "en"),
        log=tmp_path / "counter.log",
    )
    try:
        sign_in(app, "lilei", PASSWORD)
        app.wait_prop("callNextButton", "enabled", True)
        app.wait_text("helpText0", "test kiosk needs help")  # read at connect
        second = api.post("/help", "kiosk", headers={"Idempotency-Key": "call-2"}).json()["id"]
        app.wait_text("helpText1", "test kiosk needs help")  # from the event stream
        app.click("helpAnswer0")
        # One of the two calls is answered by this counter. (Which banner row the click lands on is the
        # Repeater's business: both rows come from the same kiosk and read the same.)
        (remaining,) = app.wait(
            "one call answered by this counter",
            lambda: ids if len(ids := [h["id"] for h in api.get("/help", "counter").json()]) == 1 else None,
        )
        assert remaining in (early.json()["id"], second)
        # Another counter answers the other: the banner goes with the help.answered event.
        assert api.post(f"/help/{remaining}/answer", "counter").status_code == 200
        app.wait("no banner left", lambda: _gone(app))
        answered = [
            e for e in api.get("/events?since=0", "display").json()["events"] if e["type"] == "help.answered"
        ]
        assert answered[0]["data"]["help"]["answered_by"] == "Li Lei"
    finally:
        app.close()


def _gone(app: AppProcess) -> bool:
    try:
        return not app.prop("helpBanner0", "visible")
    except AssertionError:
        return True  # the delegate is destroyed once no call is open
