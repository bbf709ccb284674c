"""Database engines for the hall store: SQLite (embedded default) or PostgreSQL, always migrated first."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from kiosk.resources import MIGRATIONS_DIR


class StoreError(RuntimeError):
    """The database cannot be opened or migrated; the message says what to check."""


@dataclass(frozen=True)
class Store:
    url: str
    write: Engine  # used only by the back office's single writer thread
    read: Engine
    dialect: str

    def dispose(self) -> None:
        self.write.dispose()
        self.read.dispose()


def database_url(data_dir: str | os.PathLike[str] | None, db: str | None) -> str:
    if db:
        url = make_url(db)
        # "postgresql://" alone would pick psycopg2; the project ships psycopg 3.
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    if data_dir is None:
        raise StoreError("give a data directory (--data DIR) or a database URL (--db URL)")
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve() / 'hall.db'}"


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Take over BEGIN from pysqlite so SAVEPOINTs and BEGIN IMMEDIATE behave as written.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: in WAL mode each commit is fsynced, so an acknowledged ticket survives a power cut.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # The writer takes the write lock up front, so another process (e.g. `kiosk token create`) waits
        # instead of failing half-way with SQLITE_BUSY.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def open_store(url: str) -> Store:
    dialect = make_url(url).get_backend_name()
    try:
        if dialect == "sqlite":
            store = Store(url, _sqlite_engine(url, True), _sqlite_engine(url, False), dialect)
        elif dialect == "postgresql":
            store = Store(
                url,
                create_engine(url, pool_size=1, max_overflow=2, pool_pre_ping=True),
                create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True),
                dialect,
            )
        else:
            raise StoreError(f"unsupported database {dialect!r}: use sqlite or postgresql")
        migrate(store)
    except StoreError:
        raise
    except Exception as exc:  # the driver's own errors are many; the technician needs one readable line
        raise StoreError(
            f"cannot open the hall database ({make_url(url).render_as_string()}): {exc}"
        ) from exc
    return store


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def migrate(store: Store) -> None:
    """Bring the schema to the newest migration; a no-op when it is already there."""
    cfg = alembic_config()
    with store.write.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
