"""Finding hall back offices on the LAN over mDNS / DNS-SD (`_hallqueue._tcp`).

Kiosks, call boards and terminals find the back office with `discover_halls` / `find_hall`; the
`kiosk discover` command prints `format_halls` of the result. Any stock mDNS browser (avahi-browse,
dns-sd, Bonjour Browser) sees the same records. The back office's advertiser (kiosk.hall.discovery)
shares the constants and interface functions defined here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import ifaddr
from zeroconf import (
    DNSQuestionType,
    InterfaceChoice,
    ServiceBrowser,
    ServiceInfo,
    ServiceStateChange,
    Zeroconf,
)

from kiosk.client.errors import HallUnreachable

logger = logging.getLogger(__name__)

SERVICE_TYPE = "_hallqueue._tcp.local."
API_VERSION = "v1"
API_PATH = f"/api/{API_VERSION}"

_RESOLVE_TIMEOUT_MS = 2000

_T = TypeVar("_T")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class HallFound:
    """One hall that answered; its API is under `url` + the TXT `path` (/api/v1 for API v1)."""

    instance: str
    hall_name: str
    host: str
    port: int
    api_version: str
    url: str


def run_off_event_loop(func: Callable[[], _T]) -> _T:
    """Run blocking zeroconf work so that it cannot deadlock an asyncio loop running in this thread.

    zeroconf attaches to the calling thread's running loop when there is one, and its blocking calls
    would then wait on the very loop they block (uvicorn's, when called from a lifespan hook). A fresh
    thread has no loop, so zeroconf starts its own loop thread there.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="hall-mdns") as pool:
        return pool.submit(func).result()


def adapter_addresses(adapter: ifaddr.Adapter, with_ipv6: bool) -> list[IPAddress]:
    result: list[IPAddress] = []
    for ip in adapter.ips:
        if isinstance(ip.ip, str):
            result.append(ipaddress.IPv4Address(ip.ip))
        elif with_ipv6:
            addr = ipaddress.IPv6Address(ip.ip[0])
            # A link-local AAAA is useless to a client that does not know our scope id.
            if not addr.is_link_local:
                result.append(addr)
    return result


def expand_interfaces(interfaces: list[str]) -> list[str]:
    """Interface addresses for zeroconf; names such as eth0 are looked up, as DHCP changes addresses."""
    adapters: list[ifaddr.Adapter] | None = None
    result: list[str] = []
    for item in interfaces:
        try:
            result.append(str(ipaddress.ip_address(item)))
            continue
        except ValueError:
            pass
        if adapters is None:
            adapters = list(ifaddr.get_adapters())
        matches = [a for a in adapters if item in (a.name, a.nice_name)]
        if not matches:
            raise ValueError(f"unknown network interface {item!r}")
        # zeroconf joins IPv6 groups by interface index; IPv4 addresses name the interface unambiguously.
        result.extend(str(ip) for a in matches for ip in adapter_addresses(a, with_ipv6=False))
    if not result:
        raise ValueError(f"no IPv4 address on interfaces {interfaces!r}")
    return list(dict.fromkeys(result))


def _decode_txt(properties: dict[bytes, bytes | None]) -> dict[str, str]:
    return {
        key.decode("utf-8", errors="replace").lower(): (value or b"").decode("utf-8", errors="replace")
        for key, value in properties.items()
    }


def _local_networks() -> list[ipaddress.IPv4Network]:
    networks: list[ipaddress.IPv4Network] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                networks.append(ipaddress.IPv4Network(f"{ip.ip}/{ip.network_prefix}", strict=False))
    return networks


def _pick_address(addresses: list[str], local: list[ipaddress.IPv4Network]) -> str:
    """The address a client here should use: an IPv4 one on one of our subnets if there is one."""

    def rank(text: str) -> tuple[int, int, int]:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
        on_our_subnet = isinstance(addr, ipaddress.IPv4Address) and any(addr in net for net in local)
        return (addr.version, 0 if on_our_subnet else 1, 1 if addr.is_link_local else 0)

    return min(addresses, key=rank)


def _url(host: str, port: int) -> str:
    if ":" in host:
        # RFC 6874: the zone separator of a scoped IPv6 address is percent-encoded in a URL.
        return f"http://[{host.replace('%', '%25')}]:{port}"
    return f"http://{host}:{port}"


def _resolve(zc: Zeroconf, name: str, local: list[ipaddress.IPv4Network]) -> HallFound | None:
    info = ServiceInfo(SERVICE_TYPE, name)
    # Responders send SRV/TXT/A with the PTR answer, so the cache usually already has everything.
    if not info.load_from_cache(zc) and not info.request(zc, _RESOLVE_TIMEOUT_MS):
        logger.info("Found hall %r but it did not answer a resolve in time", name)
        return None
    addresses = info.parsed_scoped_addresses()
    if info.port is None or not addresses:
        return None
    instance = instance_of(name)
    txt = _decode_txt(info.properties)
    host = _pick_address(addresses, local)
    return HallFound(
        instance=instance,
        hall_name=txt.get("hall") or instance,
        host=host,
        port=info.port,
        api_version=txt.get("api", ""),
        url=_url(host, info.port),
    )


def browse_instances(zc: Zeroconf, seconds: float) -> set[str]:
    """Names of the `_hallqueue._tcp` services that answer within `seconds`.

    QM questions only: zeroconf asks its first question as QU, whose answers come by unicast to port
    5353, and where several mDNS sockets share that port on this host (a hall, avahi, another browser)
    the kernel hands a unicast datagram to just one of them. Multicast answers reach every socket.
    """
    names: set[str] = set()
    lock = threading.Lock()

    def on_change(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        with lock:
            if state_change is ServiceStateChange.Removed:
                names.discard(name)
            else:
                names.add(name)

    browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change], question_type=DNSQuestionType.QM)
    try:
        time.sleep(max(0.0, seconds))
    finally:
        browser.cancel()
    with lock:
        return {name for name in names if name.endswith(f".{SERVICE_TYPE}")}


def instance_of(name: str) -> str:
    """The instance label of a full service name ("<instance>._hallqueue._tcp.local.")."""
    return name[: -len(SERVICE_TYPE) - 1]


def _discover(timeout: float, interfaces: list[str] | None) -> list[HallFound]:
    chosen = expand_interfaces(interfaces) if interfaces else InterfaceChoice.All
    zc = Zeroconf(interfaces=chosen)
    try:
        pending = sorted(browse_instances(zc, timeout))
        if not pending:
            return []
        local = _local_networks()
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(pending))) as pool:
            found = [hall for hall in pool.map(lambda n: _resolve(zc, n, local), pending) if hall]
    finally:
        zc.close()
    return sorted(found, key=lambda h: (h.hall_name.casefold(), h.instance, h.url))


def discover_halls(timeout: float = 3.0, interfaces: list[str] | None = None) -> list[HallFound]:
    """Browse the LAN for `timeout` seconds and return every hall that resolved, sorted by hall name."""
    return run_off_event_loop(lambda: _discover(timeout, interfaces))


def _display_width(text: str) -> int:
    # Chinese characters take two terminal columns; counting them as one would skew every column after.
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        for ch in text
    )


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def format_halls(halls: list[HallFound]) -> str:
    """A table of discovered halls for `kiosk discover`."""
    if not halls:
        return (
            "No hall back office found on the local network.\n"
            "Check that the back office is running and advertising (its log says 'Advertising hall'), "
            "and that this device is on the same network segment with mDNS (UDP 5353) allowed."
        )
    show_instance = any(h.instance != h.hall_name for h in halls)
    header = ["HALL", "URL", "API"] + (["INSTANCE"] if show_instance else [])
    rows = [
        [h.hall_name, h.url, (h.api_version or "?") + ("" if h.api_version == API_VERSION else " *")]
        + ([h.instance] if show_instance else [])
        for h in halls
    ]
    widths = [max(_display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    count = f"Found {len(halls)} hall back office{'s' if len(halls) != 1 else ''}:"
    lines = [count, "  " + "  ".join(_pad(c, w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    if any(h.api_version != API_VERSION for h in halls):
        lines.append(
            f"* speaks another API version than this kiosk ({API_VERSION}); it may not work with it."
        )
    return "\n".join(lines)


def find_hall(url: str | None, timeout: float = 3.0) -> str:
    """The hall's base URL: the one given, or the first hall found on the LAN."""
    if url:
        return url.rstrip("/")
    halls = discover_halls(timeout)
    if not halls:
        raise HallUnreachable("no hall back office was found on the network (zeroconf _hallqueue._tcp)")
    return halls[0].url
