"""Running the back office: open the store, build the service, serve HTTP, advertise on the LAN."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from kiosk.config import Config
from kiosk.hall.api.app import create_app
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from kiosk.hall.service import HallService
from kiosk.hall.store import database_url, open_store
from kiosk.log_redaction import install_secret_redaction

log = logging.getLogger(__name__)
ADMIN_TOKEN_FILE = "admin-token"


@dataclass
class Hall:
    service: HallService
    data_dir: Path | None

    def close(self) -> None:
        self.service.close()
        self.service.store.dispose()


def open_hall(config: Config, data_dir: str | os.PathLike[str] | None, db: str | None = None) -> Hall:
    url = database_url(data_dir, db or config.server.db or None)
    store = open_store(url)
    catalogue = load_catalogue(config.hall.catalogue or DEFAULT_CATALOGUE_PATH)
    return Hall(HallService(config, catalogue, store), Path(data_dir) if data_dir else None)


def first_start(hall: Hall) -> None:
    """A new hall gets an admin token (written to the data directory, mode 600) and, if configured,
    one counter per counter group, so it works before anyone has configured it."""
    svc = hall.service
    if svc.list_tokens() or hall.data_dir is None:
        return
    _, token = svc.create_token("admin", "first-start admin")
    path = hall.data_dir / ADMIN_TOKEN_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    log.warning(
        "first start: an admin token was written to %s (create device tokens with "
        "`kiosk token create`, then remove this file)",
        path,
    )
    if svc.config.hall.seed_counters and not svc.list_counters():
        for i, group in enumerate(svc.catalogue.counter_groups, start=1):
            svc.put_counter(str(i), i, group.name_zh, group.name_en, [], [group.id])
        log.info("first start: %d counters created, one per counter group", len(svc.catalogue.counter_groups))


def serve(
    config: Config,
    data_dir: str | None,
    host: str,
    port: int,
    db: str | None,
    ready: threading.Event | None = None,
) -> None:
    install_secret_redaction()
    hall = open_hall(config, data_dir, db)
    first_start(hall)
    svc = hall.service
    svc.start_housekeeping()
    app = create_app(svc)
    advertiser = None
    if config.discovery.enabled:
        from kiosk.hall.discovery import HallAdvertiser

        advertiser = HallAdvertiser(config.hall.name, port, host, list(config.discovery.interfaces) or None)
        # Registration probes the network for ~2 s; the hall must not wait for it to take tickets.
        threading.Thread(target=advertiser.start, name="hall-zeroconf", daemon=True).start()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="info",
            access_log=False,
            ws_ping_interval=20,
            ws_ping_timeout=20,
            # Clients send nothing on the event stream; a frame bigger than an API body is not a client.
            ws_max_size=64 * 1024,
        )
    )
    log.info(
        "hall back office %s on http://%s:%d/api/v1 (%s, %d matters, %d counters)",
        config.hall.name,
        host,
        port,
        svc.store.dialect,
        len(svc.catalogue.matters),
        len(svc.list_counters()),
    )
    try:
        server.run()
    finally:
        if advertiser is not None:
            advertiser.stop()
        hall.close()
