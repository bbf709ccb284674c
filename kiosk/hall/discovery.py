"""The back office advertising itself on the LAN over mDNS / DNS-SD (`_hallqueue._tcp`).

Devices find it with kiosk.client.discovery, whose service type and interface functions this module
shares (the dependency points from the back office to the client package, never back).

Advertising is best effort: a hall whose multicast is blocked still serves requests, so failures
are logged and kept in `HallAdvertiser.error` instead of being raised into the server.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import socket
import threading
import unicodedata
from dataclasses import dataclass

import ifaddr
from zeroconf import InterfaceChoice, IPVersion, ServiceInfo, Zeroconf

from kiosk.client.discovery import (
    API_PATH,
    API_VERSION,
    SERVICE_TYPE,
    IPAddress,
    adapter_addresses,
    browse_instances,
    expand_interfaces,
    instance_of,
    run_off_event_loop,
)

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class AdvertisementPlan:
    """Where to speak mDNS and which addresses to put in the A/AAAA records."""

    interfaces: list[str] | InterfaceChoice
    ip_version: IPVersion
    addresses: list[str]


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


def _parse_host(host: str) -> IPAddress:
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


def _ip_version_for(addresses: list[str]) -> IPVersion:
    versions = {ipaddress.ip_address(a).version for a in addresses}
    if versions == {4, 6}:
        return IPVersion.All
    return IPVersion.V6Only if versions == {6} else IPVersion.V4Only


def _host_addresses(with_ipv6: bool) -> list[str]:
    addresses = [
        addr for adapter in ifaddr.get_adapters() for addr in adapter_addresses(adapter, with_ipv6=with_ipv6)
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
            chosen = expand_interfaces(interfaces)
            return AdvertisementPlan(chosen, _ip_version_for(chosen), chosen)
        with_ipv6 = host.version == 6
        addresses = _host_addresses(with_ipv6=with_ipv6)
        return AdvertisementPlan(
            InterfaceChoice.All, IPVersion.All if with_ipv6 else IPVersion.V4Only, addresses
        )
    chosen = expand_interfaces(interfaces) if interfaces else [str(host)]
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
            return instance_of(self._info.name)
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
                run_off_event_loop(self._register)
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
        taken = {instance_of(n) for n in browse_instances(self._zc, _NAME_SURVEY_SECONDS)}
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
            run_off_event_loop(lambda: self._close_quietly(zc, info))

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
