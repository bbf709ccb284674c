"""LAN discovery of the hall back office (mDNS / DNS-SD).

Network rule for every test here: mDNS only ever runs on loopback or inside network namespaces the
test creates, so nothing is multicast on the machine's real interfaces.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zeroconf import InterfaceChoice

from kiosk.client import discovery as browsing
from kiosk.client.discovery import API_VERSION, HallFound, discover_halls, format_halls
from kiosk.hall import discovery
from kiosk.hall.discovery import HallAdvertiser, free_instance, instance_label, plan_advertisement

REPO = Path(__file__).resolve().parents[1]
HALL = "幸福里社区便民服务大厅"
LOOPBACK = "127.0.0.1"


def _unique_hall() -> str:
    # Other test runs on this machine share the loopback, so each test's hall must be told apart.
    return f"{HALL} {uuid.uuid4().hex[:6]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # The child must import this checkout, whatever the venv's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


class _Lines:
    """Collects a child's output lines on a thread so that every wait can be bounded."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float, what: str) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                pytest.fail(f"process ended before {what}; output:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if predicate(line):
                return line
        pytest.fail(f"no {what} within {timeout} s; output:\n" + "\n".join(self.seen))


def _stop_process(proc: subprocess.Popen[Any], grace: float = 5.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)


# --------------------------------------------------------------------------- pure helpers


def test_instance_label_fits_a_dns_label_with_room_for_a_conflict_suffix() -> None:
    long_name = HALL * 4  # 132 bytes of UTF-8
    label = instance_label(long_name)
    assert len(label.encode("utf-8")) <= 59
    assert long_name.startswith(label)  # cut on a character boundary, never mid-character
    assert instance_label(HALL) == HALL
    assert instance_label("St. Mary's\tHall\n") == "St． Mary's Hall"
    assert instance_label("  \x00 ") == "Hall queue"


@given(wanted=st.text(min_size=1, max_size=40).map(instance_label), extra=st.sets(st.text(max_size=70)))
def test_free_instance_is_unused_fits_a_label_and_keeps_the_name(wanted: str, extra: set[str]) -> None:
    taken = extra | {wanted.upper(), *(f"{wanted}-{n}" for n in range(2, 12))}
    chosen = free_instance(wanted, taken)
    assert chosen.casefold() not in {name.casefold() for name in taken}
    assert len(chosen.encode("utf-8")) <= 63
    base, _, number = chosen.rpartition("-")
    assert number.isdigit() and wanted.startswith(base)
    assert free_instance(wanted, set()) == wanted


def test_plan_follows_the_http_bind_address() -> None:
    loop_plan = plan_advertisement("127.0.0.1")
    assert (loop_plan.interfaces, loop_plan.addresses) == (["127.0.0.1"], ["127.0.0.1"])
    assert plan_advertisement("localhost").addresses == ["127.0.0.1"]
    # A loopback server is useless to the LAN, whatever interfaces were asked for.
    assert plan_advertisement("127.0.0.1", interfaces=["10.9.8.7"]).interfaces == ["127.0.0.1"]
    v6_loop = plan_advertisement("::1")
    assert (v6_loop.interfaces, v6_loop.addresses) == (["127.0.0.1"], ["::1"])

    specific = plan_advertisement("10.9.8.7")
    assert (specific.interfaces, specific.addresses) == (["10.9.8.7"], ["10.9.8.7"])

    everywhere = plan_advertisement("0.0.0.0")
    assert everywhere.interfaces is InterfaceChoice.All
    assert everywhere.addresses
    assert all(":" not in a for a in everywhere.addresses)
    chosen = plan_advertisement("0.0.0.0", interfaces=["lo"])
    assert (chosen.interfaces, chosen.addresses) == (["127.0.0.1"], ["127.0.0.1"])
    with pytest.raises(ValueError, match="unknown network interface"):
        plan_advertisement("0.0.0.0", interfaces=["no-such-if0"])


def test_format_halls_aligns_chinese_names_and_explains_an_empty_result() -> None:
    assert "No hall back office found" in format_halls([])
    halls = [
        HallFound(HALL, HALL, "10.0.0.5", 8000, "v1", "http://10.0.0.5:8000"),
        HallFound("East", "East", "10.0.0.6", 8000, "v2", "http://10.0.0.6:8000"),
    ]
    text = format_halls(halls)
    lines = text.splitlines()
    assert lines[0] == "Found 2 hall back offices:"
    # Columns line up on screen: a Chinese character is two terminal cells wide.
    url_cells = {browsing._display_width(line.split("http")[0]) for line in lines[2:4]}
    assert len(url_cells) == 1
    assert "v2 *" in text and "another API version" in text


def test_start_failure_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_zeroconf(**kwargs: object) -> None:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(discovery, "Zeroconf", broken_zeroconf)
    adv = HallAdvertiser(HALL, 8000, LOOPBACK)
    adv.start()
    assert not adv.registered
    assert adv.error is not None and "Address already in use" in adv.error
    adv.stop()
    adv.stop()

    bad_port = HallAdvertiser(HALL, 0, LOOPBACK)
    bad_port.start()
    assert bad_port.error is not None and "port" in bad_port.error


# --------------------------------------------------------------------------- loopback

_WATCH = r"""
import json, queue, sys, time
from zeroconf import ServiceBrowser, Zeroconf
from kiosk.client.discovery import SERVICE_TYPE

events = queue.Queue()
zc = Zeroconf(interfaces=["127.0.0.1"])


def on_change(zeroconf, service_type, name, state_change):
    events.put((state_change.name, name))


browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
print(json.dumps({"event": "Ready"}), flush=True)
deadline = time.monotonic() + float(sys.argv[1])
try:
    while time.monotonic() < deadline:
        try:
            kind, name = events.get(timeout=0.2)
        except queue.Empty:
            continue
        record = {"event": kind, "name": name}
        if kind == "Added":
            info = zc.get_service_info(SERVICE_TYPE, name, timeout=3000)
            if info is not None:
                record["port"] = info.port
                record["txt"] = {k.decode(): (v or b"").decode() for k, v in info.properties.items()}
        print(json.dumps(record, ensure_ascii=False), flush=True)
finally:
    browser.cancel()
    zc.close()
"""

_DISCOVER = r"""
import dataclasses, json, sys
from kiosk.client.discovery import discover_halls
halls = discover_halls(timeout=float(sys.argv[1]), interfaces=["127.0.0.1"])
print(json.dumps([dataclasses.asdict(h) for h in halls], ensure_ascii=False))
"""


def _discover_in_child(timeout: float) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-c", _DISCOVER, str(timeout)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_child_env(),
        timeout=timeout + 30,
        check=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_loopback_hall_is_found_by_another_process_and_says_goodbye() -> None:
    hall, port = _unique_hall(), _free_port()
    watcher = subprocess.Popen(
        [sys.executable, "-c", _WATCH, "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=_child_env(),
    )
    adv = HallAdvertiser(hall, port, LOOPBACK)
    try:
        assert watcher.stdout is not None
        lines = _Lines(watcher.stdout)
        lines.wait_for(lambda line: '"Ready"' in line, 20, "watcher start")

        adv.start()
        assert adv.error is None
        assert adv.registered and adv.instance == hall

        halls = [h for h in _discover_in_child(2.0) if h["instance"] == adv.instance]
        assert halls == [
            {
                "instance": hall,
                "hall_name": hall,
                "host": LOOPBACK,
                "port": port,
                "api_version": API_VERSION,
                "url": f"http://{LOOPBACK}:{port}",
            }
        ]

        ours = f"{hall}._hallqueue._tcp.local."
        added = json.loads(lines.wait_for(lambda line: ours in line and '"Added"' in line, 10, "Added"))
        assert added["port"] == port
        assert added["txt"] == {"api": "v1", "hall": hall, "path": "/api/v1"}

        adv.stop()
        adv.stop()  # idempotent
        # The PTR record lives 75 minutes; only an mDNS goodbye removes it from a cache this fast.
        lines.wait_for(lambda line: ours in line and '"Removed"' in line, 5, "goodbye (Removed)")
        assert all(h["instance"] != hall for h in _discover_in_child(1.5))
    finally:
        adv.stop()
        _stop_process(watcher)


def test_same_name_on_the_network_gets_a_suffix_instead_of_failing() -> None:
    hall = _unique_hall()
    first = HallAdvertiser(hall, _free_port(), LOOPBACK)
    second = HallAdvertiser(hall, _free_port(), LOOPBACK)
    try:
        first.start()
        second.start()
        assert first.error is None and second.error is None
        assert (first.instance, second.instance) == (hall, f"{hall}-2")
        found = {h.instance: h for h in discover_halls(timeout=2.0, interfaces=[LOOPBACK])}
        assert found[hall].port == first.port
        assert found[f"{hall}-2"].port == second.port
        assert found[f"{hall}-2"].hall_name == hall  # the TXT keeps the real name
    finally:
        first.stop()
        second.stop()


def test_start_and_discover_work_from_inside_a_running_event_loop() -> None:
    # The back office starts the advertiser from its ASGI lifespan, i.e. on uvicorn's event loop.
    hall, port = _unique_hall(), _free_port()

    async def lifespan() -> list[HallFound]:
        adv = HallAdvertiser(hall, port, LOOPBACK)
        adv.start()
        try:
            assert adv.error is None
            return discover_halls(timeout=2.0, interfaces=[LOOPBACK])
        finally:
            adv.stop()

    found = asyncio.run(asyncio.wait_for(lifespan(), timeout=30))
    assert [h.port for h in found if h.instance == hall] == [port]


# --------------------------------------------------------------------------- avahi in namespaces

_ADVERTISE = r"""
import json, sys
from kiosk.hall.discovery import HallAdvertiser
adv = HallAdvertiser(sys.argv[1], int(sys.argv[2]), sys.argv[3])
adv.start()
print(json.dumps({"instance": adv.instance, "error": adv.error}, ensure_ascii=False), flush=True)
sys.stdin.readline()
adv.stop()
print("STOPPED", flush=True)
"""

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
"""

# Browse only: avahi publishes nothing of its own, so the test sees exactly what zeroconf sent.
_AVAHI_CONFIG = """[server]
host-name=hallq-test-browser
use-ipv4=yes
use-ipv6=no
allow-interfaces={interface}
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
disable-publishing=yes
disable-user-service-publishing=yes
publish-addresses=no
publish-hinfo=no
publish-workstation=no
publish-domain=no
[reflector]
enable-reflector=no
[rlimits]
"""

_TOOLS = ("ip", "mount", "dbus-daemon", "avahi-daemon", "avahi-browse")
_APT_HINT = "apt-get install avahi-daemon avahi-utils dbus iproute2"


def _skip_or_fail(reason: str) -> NoReturn:
    if os.environ.get("HALL_REQUIRE_AVAHI") == "1":
        pytest.fail(f"HALL_REQUIRE_AVAHI=1 but {reason}")
    pytest.skip(reason)


def _run(cmd: list[str], timeout: float = 15, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
        )
    return result


@dataclass
class _Lab:
    """Two namespaces on one veth cable: A runs the hall, B runs dbus + avahi."""

    tmp: Path
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    addr_a: str = "10.231.0.1"
    addr_b: str = "10.231.0.2"
    namespaces: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen[Any]] = field(default_factory=list)

    @property
    def ns_a(self) -> str:
        return f"hallq-{self.token}-a"

    @property
    def ns_b(self) -> str:
        return f"hallq-{self.token}-b"

    @property
    def if_a(self) -> str:
        return f"hq{self.token}a"  # interface names are capped at 15 bytes

    @property
    def if_b(self) -> str:
        return f"hq{self.token}b"

    @property
    def bus_env(self) -> dict[str, str]:
        return {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={self.tmp / 'bus.sock'}"}

    def build_network(self) -> None:
        for ns in (self.ns_a, self.ns_b):
            _run(["ip", "netns", "add", ns])
            self.namespaces.append(ns)
        # Created inside A with its peer born in B, so the cable never appears in the root namespace.
        _run(
            [
                "ip",
                "-n",
                self.ns_a,
                "link",
                "add",
                self.if_a,
                "type",
                "veth",
                "peer",
                "name",
                self.if_b,
                "netns",
                self.ns_b,
            ]
        )
        for ns, iface, addr in ((self.ns_a, self.if_a, self.addr_a), (self.ns_b, self.if_b, self.addr_b)):
            _run(["ip", "-n", ns, "addr", "add", f"{addr}/30", "dev", iface])
            _run(["ip", "-n", ns, "link", "set", "lo", "up"])
            _run(["ip", "-n", ns, "link", "set", iface, "multicast", "on", "up"])

    def spawn(self, cmd: list[str], **kwargs: Any) -> tuple[subprocess.Popen[str], _Lines]:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", **kwargs
        )
        self.procs.append(proc)
        assert proc.stdout is not None
        return proc, _Lines(proc.stdout)

    def start_avahi(self) -> None:
        (self.tmp / "bus.conf").write_text(_BUS_CONFIG.format(socket=self.tmp / "bus.sock"))
        (self.tmp / "avahi.conf").write_text(_AVAHI_CONFIG.format(interface=self.if_b))
        _, bus = self.spawn(
            [
                "ip",
                "netns",
                "exec",
                self.ns_b,
                "dbus-daemon",
                f"--config-file={self.tmp / 'bus.conf'}",
                "--nofork",
                "--nopidfile",
                "--print-address",
            ]
        )
        bus.wait_for(lambda line: line.startswith("unix:"), 15, "D-Bus address")
        # `ip netns exec` gives the shell its own mount namespace; a tmpfs /run there keeps avahi's pid
        # file and socket away from the host's, so a host avahi is neither blocked nor clobbered.
        # -n: libmount would otherwise create /run/mount on the host's /run before the tmpfs covers it.
        avahi_cmd = (
            "mount -n -t tmpfs -o mode=0755 hallq-run /run && exec avahi-daemon"
            f" --file={self.tmp / 'avahi.conf'} --no-drop-root --no-chroot --no-rlimits --no-proc-title"
        )
        _, avahi = self.spawn(["ip", "netns", "exec", self.ns_b, "sh", "-c", avahi_cmd], env=self.bus_env)
        avahi.wait_for(lambda line: "Server startup complete" in line, 20, "avahi-daemon startup")

    def browse(self) -> list[list[bytes]]:
        """Rows of `avahi-browse -rpt` in B, split into fields (still avahi-escaped).

        "+" rows are found services, "=" rows the resolved ones with address, port and TXT.
        """
        result = _run(
            ["ip", "netns", "exec", self.ns_b, "avahi-browse", "-rpt", "_hallqueue._tcp"],
            timeout=20,
            env=self.bus_env,
        )
        return [line.split(b";", 9) for line in result.stdout.splitlines() if line[:2] in (b"+;", b"=;")]

    def teardown(self) -> None:
        for proc in reversed(self.procs):
            _stop_process(proc)
        for ns in self.namespaces:
            # Anything still in the namespace was started by this test; deleting a namespace with
            # live processes would leave it (and its veth) around.
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True, timeout=10)
            for pid in pids.stdout.split():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10, check=False)


def _avahi_unescape(raw: bytes) -> str:
    r"""Undo avahi-browse's escaping: parseable output writes each non-ASCII byte as \DDD (decimal)."""
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\" and raw[i + 1 : i + 4].isdigit() and len(raw[i + 1 : i + 4]) == 3:
            out.append(int(raw[i + 1 : i + 4]))
            i += 4
        elif raw[i : i + 1] == b"\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8")


def _avahi_txt(field_: bytes) -> dict[str, str]:
    items = (_avahi_unescape(m) for m in re.findall(rb'"((?:[^"\\]|\\.)*)"', field_))
    return dict(item.split("=", 1) for item in items)


def test_avahi_unescape_reads_what_avahi_browse_prints() -> None:
    # Verbatim from avahi-browse 0.8 -p for the instance "幸福里社区便民服务大厅 3．5号楼".
    printed = (
        rb"\229\185\184\231\166\143\233\135\140\231\164\190\229\140\186\228"
        rb"\190\191\230\176\145\230\156\141\229\138\161\229\164\167\229\142"
        rb"\133\0323\239\188\1425\229\143\183\230\165\188"
    )
    assert _avahi_unescape(printed) == "幸福里社区便民服务大厅 3．5号楼"
    assert _avahi_unescape(rb"a\.b\\c") == "a.b\\c"
    assert _avahi_txt(rb'"path=/api/v1" "hall=\229\185\184 3.5" "api=v1"') == {
        "path": "/api/v1",
        "hall": "幸 3.5",
        "api": "v1",
    }


@pytest.fixture
def avahi_lab() -> Iterator[_Lab]:
    if os.geteuid() != 0:
        _skip_or_fail("the avahi test needs root to create network namespaces")
    missing = [tool for tool in _TOOLS if shutil.which(tool) is None]
    if missing:
        _skip_or_fail(f"the avahi test needs {', '.join(missing)} ({_APT_HINT})")
    # A short path: the D-Bus socket path must fit in sun_path (108 bytes).
    lab = _Lab(Path(tempfile.mkdtemp(prefix="hallq-")))
    try:
        try:
            lab.build_network()
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            _skip_or_fail(f"cannot create network namespaces here: {exc}")
        lab.start_avahi()
        yield lab
    finally:
        lab.teardown()
        shutil.rmtree(lab.tmp, ignore_errors=True)


def test_avahi_browse_sees_the_hall_and_its_goodbye(avahi_lab: _Lab) -> None:
    lab = avahi_lab
    hall = f"{HALL} 3.5号楼"  # a dot, a space and Chinese: everything avahi escapes
    port = 8123
    adv, adv_out = lab.spawn(
        ["ip", "netns", "exec", lab.ns_a, sys.executable, "-c", _ADVERTISE, hall, str(port), lab.addr_a],
        stdin=subprocess.PIPE,
        env=_child_env(),
    )
    started = json.loads(adv_out.wait_for(lambda line: line.startswith("{"), 30, "advertiser start"))
    assert started["error"] is None
    instance = started["instance"]
    assert instance == "幸福里社区便民服务大厅 3．5号楼"

    rows: list[list[bytes]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        rows = [
            r for r in lab.browse() if r[0] == b"=" and len(r) == 10 and _avahi_unescape(r[3]) == instance
        ]
        if rows:
            break
        time.sleep(0.5)
    assert rows, "avahi-browse did not list the hall"
    _, iface, proto, _, service_type, domain, host, address, port_text, txt = rows[0]
    assert (iface.decode(), proto, service_type, domain) == (lab.if_b, b"IPv4", b"_hallqueue._tcp", b"local")
    assert host.endswith(b".local")
    assert (address.decode(), int(port_text)) == (lab.addr_a, port)
    assert _avahi_txt(txt) == {"api": "v1", "hall": hall, "path": "/api/v1"}

    assert adv.stdin is not None
    adv.stdin.write("stop\n")
    adv.stdin.flush()
    adv_out.wait_for(lambda line: line == "STOPPED", 15, "advertiser stop")
    # Without a goodbye avahi would keep serving the record from its cache for 75 minutes.
    deadline = time.monotonic() + 10
    while any(_avahi_unescape(r[3]) == instance for r in lab.browse()):
        assert time.monotonic() < deadline, "avahi still lists the hall after it said goodbye"
        time.sleep(0.5)
