"""Fixtures: every database test runs on SQLite and on a real PostgreSQL started here.

The schema is built with Alembic, as in production. Each test starts from empty tables.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import exists, literal, select, text, union_all
from starlette.testclient import TestClient

from shouhou.app import load_all
from shouhou.clock import FrozenClock
from shouhou.config import Settings
from shouhou.db import Base, Database
from shouhou.db.migrate import upgrade
from tests.pg import PostgresServer

load_all()  # every context and case type, as the app, the CLI and the worker load them
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday
BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default=os.environ.get("SHOUHOU_TEST_DB", "sqlite,postgresql"),
                     help="comma-separated backends to run database tests on")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        wanted = [b for b in metafunc.config.getoption("--db").split(",") if b in BACKENDS]
        metafunc.parametrize("backend", wanted, scope="session")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer | None]:
    server = PostgresServer()
    if not server.available:
        yield None
        return
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory,
                 pg_server: PostgresServer | None, worker_id: str) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    else:
        if pg_server is None:
            pytest.skip("PostgreSQL is not installed here (no initdb/pg_ctl); .ci/run installs it")
        url = pg_server.create_database(f"shouhou_{worker_id}")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def _database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def db(_database: Database) -> Iterator[Database]:
    yield _database
    wipe(_database)


def wipe(database: Database) -> None:
    """Empty the tables a test filled, ids starting again at 1. Deleting from the few tables that
    hold rows takes milliseconds where a TRUNCATE of all of them took ~200 ms on PostgreSQL."""
    from shouhou.policies.service import forget_calendars

    forget_calendars()
    tables, holding = _tables()
    with database.session() as conn:  # a writer's transaction: on SQLite it takes its turn first
        filled = set(conn.scalars(holding))
        for table in tables:  # dependents first
            if table.name in filled:
                conn.execute(table.delete())
        if not database.is_sqlite:  # SQLite numbers rows from the highest id left, none
            for sequence in conn.scalars(text("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences "
                                              "WHERE last_value IS NOT NULL")):
                conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@functools.cache
def _tables() -> tuple[list[Any], Any]:
    """Every table, dependents first, and the query naming those that hold rows (built once)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    return tables, union_all(*(select(literal(t.name)).where(exists().select_from(t)) for t in tables))


@pytest.fixture(scope="session")
def _clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def clock(_clock: FrozenClock) -> FrozenClock:
    """The session's clock (the app's), back at T0 for each test."""
    _clock.set(T0)
    return _clock


@pytest.fixture(scope="session")
def _settings(_database: Database, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # The collector stays as it is: frozen objects of one test's app would outlive it.
    return Settings(database_url=_database.url, var_dir=tmp_path_factory.mktemp("var"), secret_key="test-secret",
                    log_json=False, log_level="WARNING", tune_collector=False)


@pytest.fixture
def settings(_settings: Settings, db: Database) -> Settings:
    """The session's settings, with an empty var folder for each test."""
    for entry in _settings.var_dir.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    return _settings


@pytest.fixture(scope="session")
def _app(_settings: Settings, _database: Database, _clock: FrozenClock):
    from shouhou.app import create_app

    return create_app(_settings, db=_database, clock=_clock)


@pytest.fixture
def app(_app, settings: Settings, db: Database, clock: FrozenClock):
    """One app per database for the whole session (it holds no state of its own between requests):
    FastAPI prepares each route on an app's first request to it, ~1 ms a route, which for a
    new app per test cost more than many tests themselves."""
    return _app


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def world(db: Database, settings: Settings, clock: FrozenClock):
    from tests.builders import World

    return World(db, settings, clock)
