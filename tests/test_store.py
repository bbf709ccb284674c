"""The store: migrations match the tables, durable settings, and the writer's all-or-nothing commands."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, func, select

from kiosk.config import load_config
from kiosk.hall import schema
from kiosk.hall.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from kiosk.hall.errors import HallError
from kiosk.hall.service import HallService
from kiosk.hall.store import Store, database_url, open_store
from kiosk.hall.writer import Tx
from tests.support import Postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        url = database_url(tmp_path, None)
    else:
        pg: Postgres = request.getfixturevalue("pg")
        url = database_url(None, pg.createdb(f"store_{abs(hash(request.node.name)) % 10**8}"))
    s = open_store(url)
    request.addfinalizer(s.dispose)
    return s


def test_migrations_create_exactly_the_schema(store: Store) -> None:
    with store.read.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []
    open_store(store.url).dispose()  # migrating again is a no-op


def test_sqlite_is_durable(tmp_path: Path) -> None:
    s = open_store(database_url(tmp_path, None))
    with s.write.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    s.dispose()


def test_a_failing_command_leaves_nothing_and_spares_its_batch(store: Store) -> None:
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store)
    try:
        gate_open = threading.Event()

        def blocker(tx: Tx) -> None:
            gate_open.wait(5)  # queue the next commands behind this one, so they share a batch

        def good(tx: Tx) -> int:
            return tx.emit("test.good", {"n": 1})["seq"]

        def bad(tx: Tx) -> None:
            tx.emit("test.bad", {"n": 2})
            raise HallError("invalid_request", "refused half-way")

        f0 = svc.writer.submit(blocker)
        f1, f2, f3 = svc.writer.submit(good), svc.writer.submit(bad), svc.writer.submit(good)
        gate_open.set()
        f0.result(5)
        s1, s3 = f1.result(5), f3.result(5)
        with pytest.raises(HallError):
            f2.result(5)
        assert s3 > s1
        with store.read.connect() as conn:
            types = conn.execute(select(schema.events.c.type)).scalars().all()
            assert types.count("test.good") == 2 and "test.bad" not in types
            assert conn.execute(select(func.count()).select_from(schema.events)).scalar() == 2
        assert [e["type"] for e in svc.events_since(0)] == ["test.good", "test.good"]
    finally:
        svc.close()


def test_a_batch_that_fails_nowhere_takes_no_savepoints(store: Store) -> None:
    """A savepoint per command costs two statements (round trips on PostgreSQL); only failures need them."""
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(sql.split()[0].upper())

    try:
        gate_open = threading.Event()
        f0 = svc.writer.submit(lambda tx: gate_open.wait(5))
        goods = [svc.writer.submit(lambda tx: tx.emit("test.good", {})["seq"]) for _ in range(5)]
        event.listen(store.write, "before_cursor_execute", record)
        gate_open.set()
        f0.result(5)
        assert len({f.result(5) for f in goods}) == 5
        assert "SAVEPOINT" not in statements
    finally:
        event.remove(store.write, "before_cursor_execute", record)
        svc.close()


def test_a_lone_failing_command_rolls_back_and_the_writer_goes_on(store: Store) -> None:
    svc = HallService(load_config(), load_catalogue(DEFAULT_CATALOGUE_PATH), store)
    try:

        def bad(tx: Tx) -> None:
            tx.emit("test.bad", {})
            raise HallError("invalid_request", "refused")

        with pytest.raises(HallError):
            svc.writer.run(bad)
        assert svc.writer.run(lambda tx: tx.emit("test.good", {})["type"]) == "test.good"
        with store.read.connect() as conn:
            assert conn.execute(select(schema.events.c.type)).scalars().all() == ["test.good"]
    finally:
        svc.close()
