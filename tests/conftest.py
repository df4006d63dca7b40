"""Fixtures: every database test runs on SQLite and on a real PostgreSQL started here.

The schema is built with Alembic, as in production. Each test starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
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
    from shouhou.policies.service import forget_calendars

    forget_calendars()
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as conn:
        if database.is_sqlite:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER SEQUENCE case_no_seq RESTART WITH 1"))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    # The collector stays as it is: frozen objects of one test's app would outlive it.
    return Settings(database_url=db.url, var_dir=tmp_path, secret_key="test-secret", log_json=False,
                    log_level="WARNING", tune_collector=False)


@pytest.fixture
def app(settings: Settings, db: Database, clock: FrozenClock):
    from shouhou.app import create_app

    return create_app(settings, db=db, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def world(db: Database, settings: Settings, clock: FrozenClock):
    from tests.builders import World

    return World(db, settings, clock)
