"""SQLite: the server copies its write-ahead log into the database from a thread of its own
(db/checkpoint.py), its writers' own checkpoints pushed back to a backstop."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from starlette.testclient import TestClient

from shouhou.app import create_app
from shouhou.db import Database, checkpoint
from shouhou.db.migrate import upgrade


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'wal.sqlite3'}"
    upgrade(url)
    return url


def autocheckpoint(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.connection.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def write_some(db: Database, n: int = 50) -> None:
    """n commits through the database's own pool (whose connections stay open: the last one to
    close would checkpoint the log itself)."""
    for i in range(n):
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x TEXT)")
            conn.exec_driver_sql("INSERT INTO filler VALUES (?)", (f"{i}" * 500,))


def test_the_servers_writers_leave_checkpoints_to_it_and_others_keep_sqlites(sqlite_url):
    server, cli = Database(sqlite_url, sqlite_autocheckpoint=checkpoint.BACKSTOP_PAGES), Database(sqlite_url)
    try:
        assert autocheckpoint(server) == checkpoint.BACKSTOP_PAGES
        assert autocheckpoint(cli) == 1000  # SQLite's own
    finally:
        server.dispose(), cli.dispose()


def test_a_checkpoint_copies_the_whole_log_when_no_reader_needs_it(sqlite_url):
    db = Database(sqlite_url, sqlite_autocheckpoint=checkpoint.BACKSTOP_PAGES)
    try:
        write_some(db)
        log, copied = db.checkpoint()
        assert log > 0 and copied == log
    finally:
        db.dispose()


def test_a_checkpoint_waits_for_no_reader(sqlite_url):
    db = Database(sqlite_url)
    path = db.engine.url.database or ""
    try:
        write_some(db, 1)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM filler").fetchone()  # holds its snapshot of the log
        write_some(db, 50)
        log, copied = db.checkpoint()  # returns at once, copying only what the reader no longer needs
        assert 0 <= copied < log
        reader.execute("COMMIT")
        reader.close()
        log, copied = db.checkpoint()
        assert copied == log
    finally:
        db.dispose()


class TestTheServer:
    def threads(self) -> set[str]:
        return {t.name for t in threading.enumerate()}

    def test_on_sqlite_it_checkpoints_in_a_thread_while_it_runs(self, settings, backend):
        if backend != "sqlite":
            pytest.skip("a SQLite server's thread: PostgreSQL has no write-ahead log to copy")
        app = create_app(settings)
        try:
            assert autocheckpoint(app.state.db) == checkpoint.BACKSTOP_PAGES
            with TestClient(app) as client:
                client.get("/healthz")
                assert "shouhou-checkpoint" in self.threads()
            assert "shouhou-checkpoint" not in self.threads()
        finally:
            app.state.db.dispose()

    def test_set_to_0_it_leaves_checkpoints_to_sqlite(self, settings, backend):
        app = create_app(settings.model_copy(update={"sqlite_checkpoint_seconds": 0}))
        try:
            if backend == "sqlite":
                assert autocheckpoint(app.state.db) == 1000
            with TestClient(app) as client:
                client.get("/healthz")
                assert "shouhou-checkpoint" not in self.threads()
        finally:
            app.state.db.dispose()


def test_a_failed_checkpoint_is_logged_and_the_next_one_tried(caplog):
    stop = threading.Event()
    calls = []

    class Failing:
        def checkpoint(self):
            calls.append(1)
            if len(calls) == 1:
                raise sqlite3.OperationalError("disk I/O error")
            stop.set()
            return 0, 0

    checkpoint.run(Failing(), 0.001, stop)  # type: ignore[arg-type]
    assert len(calls) == 2 and "WAL checkpoint failed" in caplog.text
