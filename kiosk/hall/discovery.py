"""LAN discovery of hall back offices over mDNS / DNS-SD (`_hallqueue._tcp`).

The back office advertises itself with `HallAdvertiser`; kiosks and call boards find it with
`discover_halls` (the `kiosk discover` command prints `format_halls` of the result). Any stock
mDNS browser (avahi-browse, dns-sd, Bonjour Browser) sees the same records.

Advertising is best effort: a hall whose multicast is blocked still serves requests, so failures
are logged and kept in `HallAdvertiser.error` instead of being raised into the server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import ipaddress
import logging
import socket
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
    IPVersion,
    ServiceBrowser,
    ServiceInfo,
    ServiceStateChange,
    Zeroconf,
)

logger = logging.getLogger(__name__)

SERVICE_TYPE = "_hallqueue._tcp.local."
API_VERSION = "v1"
API_PATH = f"/api/{API_VERSION}"

_MAX_LABEL_BYTES = 63
# On a name conflict "<name>" becomes "<name>-2", "-3", ... (see `free_instance`); zeroconf's own
# renaming does not shorten the name, and a label over 63 bytes fails registration outright, so
# room for the suffix is kept up front.
_CONFLICT_SUFFIX_ROOM = 4
# How long the advertiser listens for halls already on the LAN before choosing its name. A
# responder that multicast its records within the last second must wait a second before it may
# answer again (RFC 6762 section 14), so anything shorter misses a hall that has just started.
_NAME_SURVEY_SECONDS = 1.5
_MAX_TXT_STRING_BYTES = 255
_RESOLVE_TIMEOUT_MS = 2000
_FALLBACK_INSTANCE = "Hall queue"

_T = TypeVar("_T")
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class HallFound:
    """One hall that answered; its API is under `url` + the TXT `path` (/api/v1 for API v1)."""

    instance: str
    hall_name: str
    host: str
    port: int
    api_version: str
    url: str


@dataclass(frozen=True)
class AdvertisementPlan:
    """Where to speak mDNS and which addresses to put in the A/AAAA records."""

    interfaces: list[str] | InterfaceChoice
    ip_version: IPVersion
    addresses: list[str]


def _run_off_event_loop(func: Callable[[], _T]) -> _T:
    """Run blocking zeroconf work so that it cannot deadlock an asyncio loop running in this thread.

    zeroconf attaches to the calling thread's running loop when there is one, and its blocking calls
    would then wait on the very loop they block (uvicorn's, when called from a lifespan hook). A helper
    thread has no loop, so zeroconf starts its own loop thread there.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="hall-mdns") as pool:
        return pool.submit(func).result()


def _truncate_utf8(text: str, max_bytes: int) -> str:
    # errors="ignore" drops a multi-byte character cut in half rather than leaving mojibake.
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore").rstrip()


def instance_label(name: str) -> str:
    """A DNS-SD instance label for `name`: at most 59 UTF-8 bytes, never empty.

    zeroconf writes the name as-is and splits it on dots into labels, so a dot would break the
    instance in two; it becomes a full-width stop, which reads the same in a Chinese name.
    """
    text = " ".join(unicodedata.normalize("NFC", name).replace(".", "．").split())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    text = _truncate_utf8(text, _MAX_LABEL_BYTES - _CONFLICT_SUFFIX_ROOM)
    return text or _FALLBACK_INSTANCE


def free_instance(wanted: str, taken: set[str]) -> str:
    """`wanted`, or the first of "<wanted>-2", "<wanted>-3", ... that no one in `taken` uses.

    DNS compares names without regard to case, so "Hall" is taken when "hall" is.
    """
    in_use = {name.casefold() for name in taken}
    candidate, number = wanted, 2
    while candidate.casefold() in in_use:
        suffix = f"-{number}"
        candidate = _truncate_utf8(wanted, _MAX_LABEL_BYTES - len(suffix)) + suffix
        number += 1
    return candidate


def _txt_properties(hall_name: str) -> dict[str, str]:
    prefix = "hall="
    hall = _truncate_utf8(unicodedata.normalize("NFC", hall_name), _MAX_TXT_STRING_BYTES - len(prefix))
    return {"api": API_VERSION, "hall": hall, "path": API_PATH}


def _parse_host(host: str) -> _IPAddress:
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text in ("", "*"):
        return ipaddress.IPv4Address("0.0.0.0")
    if text.lower() == "localhost":
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    # A configured host name: advertise what the HTTP server will actually bind to.
    sockaddr = socket.getaddrinfo(text, None, type=socket.SOCK_STREAM)[0][4]
    return ipaddress.ip_address(sockaddr[0])


def _adapter_addresses(adapter: ifaddr.Adapter, with_ipv6: bool) -> list[_IPAddress]:
    result: list[_IPAddress] = []
    for ip in adapter.ips:
        if isinstance(ip.ip, str):
            result.append(ipaddress.IPv4Address(ip.ip))
        elif with_ipv6:
            addr = ipaddress.IPv6Address(ip.ip[0])
            # A link-local AAAA is useless to a client that does not know our scope id.
            if not addr.is_link_local:
                result.append(addr)
    return result


def _expand_interfaces(interfaces: list[str]) -> list[str]:
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
        result.extend(str(ip) for a in matches for ip in _adapter_addresses(a, with_ipv6=False))
    if not result:
        raise ValueError(f"no IPv4 address on interfaces {interfaces!r}")
    return list(dict.fromkeys(result))


def _ip_version_for(addresses: list[str]) -> IPVersion:
    versions = {ipaddress.ip_address(a).version for a in addresses}
    if versions == {4, 6}:
        return IPVersion.All
    return IPVersion.V6Only if versions == {6} else IPVersion.V4Only


def _host_addresses(with_ipv6: bool) -> list[str]:
    addresses = [
        addr for adapter in ifaddr.get_adapters() for addr in _adapter_addresses(adapter, with_ipv6=with_ipv6)
    ]
    lan = [a for a in addresses if not a.is_loopback]
    # A host with no LAN address yet still deserves a working loopback advertisement.
    chosen = lan or [a for a in addresses if a.is_loopback]
    return list(dict.fromkeys(str(a) for a in chosen))


def plan_advertisement(bind_host: str, interfaces: list[str] | None = None) -> AdvertisementPlan:
    """Decide where to advertise for an HTTP server bound to `bind_host` (see `HallAdvertiser`)."""
    host = _parse_host(bind_host)
    if host.is_loopback:
        if interfaces:
            logger.info("Ignoring mDNS interfaces %r: %s is only reachable from this host", interfaces, host)
        # zeroconf cannot listen on ::1, so an IPv6 loopback server is announced over 127.0.0.1.
        transport = str(host) if host.version == 4 else "127.0.0.1"
        return AdvertisementPlan([transport], IPVersion.V4Only, [str(host)])
    if host.is_unspecified:
        if interfaces:
            chosen = _expand_interfaces(interfaces)
            return AdvertisementPlan(chosen, _ip_version_for(chosen), chosen)
        with_ipv6 = host.version == 6
        addresses = _host_addresses(with_ipv6=with_ipv6)
        return AdvertisementPlan(
            InterfaceChoice.All, IPVersion.All if with_ipv6 else IPVersion.V4Only, addresses
        )
    chosen = _expand_interfaces(interfaces) if interfaces else [str(host)]
    return AdvertisementPlan(chosen, _ip_version_for(chosen), [str(host)])


def _server_name(instance: str, addresses: list[str], port: int) -> str:
    """A host name for the SRV record that no other hall or host on the LAN will also claim.

    zeroconf does not probe host names, and the machine's own name is usually published by avahi
    with other records, so a derived name avoids both clashes. The digest differs between two
    cloned kiosk images on different addresses even if their host names and hall names match.
    """
    raw = socket.gethostname().split(".")[0].lower()
    label = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in raw).strip("-")
    digest = hashlib.sha256(f"{instance}|{port}|{','.join(addresses)}".encode()).hexdigest()[:8]
    return f"{label[:40] or 'hall'}-hallq-{digest}.local."


def _instances_on_the_network(zc: Zeroconf, seconds: float) -> set[str]:
    """Instance names of the `_hallqueue._tcp` services that answer within `seconds`."""
    names: set[str] = set()
    lock = threading.Lock()

    def on_change(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        with lock:
            if state_change is ServiceStateChange.Removed:
                names.discard(name)
            else:
                names.add(name)

    # QM: the answers are multicast, so they reach this socket even when others share port 5353.
    browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change], question_type=DNSQuestionType.QM)
    try:
        time.sleep(seconds)
    finally:
        browser.cancel()
    with lock:
        return {name[: -len(SERVICE_TYPE) - 1] for name in names if name.endswith(f".{SERVICE_TYPE}")}


class HallAdvertiser:
    """Advertises one hall back office on the LAN."""

    def __init__(
        self,
        hall_name: str,
        port: int,
        bind_host: str,
        interfaces: list[str] | None = None,
        instance: str | None = None,
    ) -> None:
        self.hall_name = hall_name
        self.port = port
        self.bind_host = bind_host
        self.interfaces = list(interfaces) if interfaces else None
        self.error: str | None = None
        self._wanted_instance = instance_label(instance or hall_name)
        self._lock = threading.Lock()
        self._zc: Zeroconf | None = None
        self._info: ServiceInfo | None = None

    @property
    def instance(self) -> str:
        """The instance name actually on the network ("-2", "-3"... is appended on a conflict)."""
        if self._info is not None:
            return self._info.name[: -len(SERVICE_TYPE) - 1]
        return self._wanted_instance

    @property
    def registered(self) -> bool:
        return self._info is not None

    def start(self) -> None:
        with self._lock:
            if self._zc is not None:
                return
            self.error = None
            try:
                _run_off_event_loop(self._register)
            except Exception as exc:  # never let discovery take the back office down
                self.error = f"mDNS advertisement failed: {type(exc).__name__}: {exc}".rstrip(": ")
                logger.warning(
                    "Hall %r is not advertised on the LAN (kiosks must be given its address): %s",
                    self.hall_name,
                    self.error,
                    exc_info=logger.isEnabledFor(logging.DEBUG),
                )
                zc, self._zc, self._info = self._zc, None, None
                if zc is not None:
                    self._close_quietly(zc, None)

    def _register(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"port {self.port} is not a TCP port")
        plan = plan_advertisement(self.bind_host, self.interfaces)
        if not plan.addresses:
            raise RuntimeError("this host has no address to advertise")
        info = ServiceInfo(
            SERVICE_TYPE,
            f"{self._wanted_instance}.{SERVICE_TYPE}",
            port=self.port,
            properties=_txt_properties(self.hall_name),
            server=_server_name(self._wanted_instance, plan.addresses, self.port),
            parsed_addresses=plan.addresses,
        )
        # Assigned before registering so that a failed probe still gets its sockets closed.
        self._zc = Zeroconf(interfaces=plan.interfaces, ip_version=plan.ip_version)
        # What zeroconf guarantees: before announcing, register_service sends three probes (QU
        # questions for the service type with our PTR as authority) and, with allow_name_change,
        # renames to "<name>-2", "-3", ... while a PTR to our exact name sits in its cache. That is
        # all: it neither breaks ties between simultaneous probes nor asks for a multicast answer,
        # and a defender that multicast its records lately answers a QU probe by unicast to port
        # 5353 only. Where several mDNS sockets share that port on the prober's host (a second
        # hall, avahi, a browser) the kernel hands the unicast to just one of them, so the prober
        # never sees the defence and both halls end up announcing the same name (zeroconf 0.154 on
        # loopback: every time). What we add: listen first with QM questions, whose answers are
        # multicast to every socket, and choose a free name ourselves; zeroconf's probe still runs
        # after that as a second line.
        taken = _instances_on_the_network(self._zc, _NAME_SURVEY_SECONDS)
        instance = free_instance(self._wanted_instance, taken)
        if instance != self._wanted_instance:
            info.name = f"{instance}.{SERVICE_TYPE}"
        self._zc.register_service(info, allow_name_change=True)
        self._info = info
        if self.instance != self._wanted_instance:
            logger.warning(
                "Another service on the LAN is already called %r; advertising this hall as %r",
                self._wanted_instance,
                self.instance,
            )
        logger.info(
            "Advertising hall %r as %r at %s port %d",
            self.hall_name,
            self.instance,
            ", ".join(plan.addresses),
            self.port,
        )

    def stop(self) -> None:
        with self._lock:
            zc, info = self._zc, self._info
            self._zc = self._info = None
        if zc is not None:
            _run_off_event_loop(lambda: self._close_quietly(zc, info))

    @staticmethod
    def _close_quietly(zc: Zeroconf, info: ServiceInfo | None) -> None:
        try:
            if info is not None:
                # The goodbye (TTL 0) makes browsers drop the hall now rather than when the
                # 75-minute PTR record expires.
                zc.unregister_service(info)
        except Exception:
            logger.warning("Could not send the mDNS goodbye for the hall", exc_info=True)
        try:
            zc.close()
        except Exception:
            logger.warning("Could not close the mDNS responder", exc_info=True)

    def __enter__(self) -> HallAdvertiser:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


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
    instance = name[: -len(SERVICE_TYPE) - 1]
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


def _discover(timeout: float, interfaces: list[str] | None) -> list[HallFound]:
    names: set[str] = set()
    lock = threading.Lock()

    def on_change(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        with lock:
            if state_change is ServiceStateChange.Removed:
                names.discard(name)
            else:
                names.add(name)

    chosen = _expand_interfaces(interfaces) if interfaces else InterfaceChoice.All
    zc = Zeroconf(interfaces=chosen)
    try:
        browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
        try:
            time.sleep(max(0.0, timeout))
        finally:
            browser.cancel()
        with lock:
            pending = sorted(names)
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
    return _run_off_event_loop(lambda: _discover(timeout, interfaces))


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
