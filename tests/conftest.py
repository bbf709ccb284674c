from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import Api, HallProcess, Postgres, make_tokens, postgres_server, write_config

_db_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg() -> Iterator[Postgres]:
    try:
        with postgres_server() as server:
            yield server
    except FileNotFoundError as exc:
        if os.environ.get("HALL_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required here (HALL_REQUIRE_PG=1): {exc}")
        pytest.skip(str(exc))


HallFactory = Callable[..., tuple[HallProcess, Api]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_hall(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str
) -> Iterator[HallFactory]:
    """Start real back-office processes on loopback, on SQLite or on the session's PostgreSQL."""
    started: list[tuple[HallProcess, Api]] = []

    def factory(hall: str = "", **queue: object) -> tuple[HallProcess, Api]:
        data = tmp_path_factory.mktemp("hall")
        config = write_config(Path(data) / "hall.toml", hall, **queue)
        db = None
        if backend == "postgres":
            pg: Postgres = request.getfixturevalue("pg")
            db = pg.createdb(f"hall_{os.getpid()}_{next(_db_names)}")
        tokens = make_tokens(config, data, db)
        proc = HallProcess(data, config, db)
        proc.start()
        api = Api(proc.url, tokens)
        started.append((proc, api))
        return proc, api

    yield factory
    for proc, api in started:
        api.close()
        proc.stop()
