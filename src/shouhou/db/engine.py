"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shouhou.db.types import json_dumps, json_loads
from shouhou.metrics import SQLITE_WRITER_WAIT

_WROTE = "shouhou.wrote"
# SQLite: a writer waits this long for its turn, then the busy timeout as long again; PostgreSQL:
# a statement waits this long for a lock (lock_timeout).
BUSY_TIMEOUT_SECONDS = 30.0
_BUSY_PRAGMA = f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}"
# A SQLite write transaction begun only if the write lock is free this instant (Database.try_begin).
_NO_WAIT, _BUSY = "sqlite_no_wait", "shouhou.busy"


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, pool_overflow: int = 20,
                pool_timeout: float = BUSY_TIMEOUT_SECONDS, sqlite_synchronous: str = "FULL",
                pre_ping: bool = False, sqlite_writers: threading.Lock | None = None) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo, synchronous=sqlite_synchronous,
                              writers=sqlite_writers or threading.Lock())
    # A disconnect error invalidates the whole pool, so without pre-ping one request per
    # process fails after a database restart; recycling avoids idle connections cut by firewalls.
    # A request that finds every connection taken waits `pool_timeout`, then is refused (503
    # database_busy, api/errors.py) rather than waiting on.
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_overflow, pool_timeout=pool_timeout,
                           pool_pre_ping=pre_ping, pool_recycle=1800, json_serializer=json_dumps, json_deserializer=json_loads)

    @event.listens_for(engine, "connect")
    def _on_pg_connect(dbapi_conn, _record):
        # A lock held by another transaction is waited for as long as SQLite's writers wait,
        # then refused (503 database_busy) instead of holding the request, and a thread, for good.
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {max(1, int(BUSY_TIMEOUT_SECONDS * 1000))}")
            # No JIT: a case's one-query load joins its companions and collections, whose estimated
            # rows multiply past jit_*_above_cost; it then compiled for ~2 s to read one row (measured).
            cur.execute("SET jit = off")
        dbapi_conn.commit()

    # Whether the transaction wrote (anything but a SELECT): Database.end_read commits only one that did not.
    @event.listens_for(engine, "begin")
    def _on_pg_begin(conn):
        conn.info.pop(_WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(conn, _cursor, statement, _params, _context, _executemany):
        if not statement.lstrip()[:6].upper().startswith("SELECT"):
            conn.info[_WROTE] = True

    return engine


def _sqlite_engine(url: str, *, echo: bool, synchronous: str, writers: threading.Lock) -> Engine:
    path = make_url(url).database or ""
    in_memory = path in ("", ":memory:")
    if not in_memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A file's pool never makes a caller wait (no limit past the 10 it keeps): a connection is a
    # file handle, and a request checking one out on the event loop (api/on_loop.py) must not wait
    # for connections that only the loop can hand back.
    pooling = {} if in_memory else {"pool_size": 10, "max_overflow": -1}
    engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                           json_serializer=json_dumps, json_deserializer=json_loads, **pooling)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin (pysqlite recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(_BUSY_PRAGMA)
        # FULL: a commit is on disk before it is acknowledged (NORMAL may lose the last
        # commits on power loss in WAL mode).
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    # SQLite has one writer. The writers of this process (requests, and on SQLite the timer
    # sweep and webhook delivery, which run in the server's process) take turns on a lock
    # of their own, which hands the turn over the moment it is free, instead of polling in
    # SQLite's busy handler with sleeps of up to 100 ms. Released when the connection goes
    # back to the pool, after its commit or rollback.

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the write lock up front: a deferred transaction that read first
        # could otherwise fail to upgrade under WAL instead of waiting its turn.
        options = conn.get_execution_options()
        if not options.get("sqlite_immediate", False):
            conn.exec_driver_sql("BEGIN")
            return
        if options.get(_NO_WAIT, False):
            _begin_now(conn, writers)
            return
        start = time.perf_counter()
        if writers.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            conn.info["shouhou.writer"] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        SQLITE_WRITER_WAIT.observe(time.perf_counter() - start)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        if record.info.pop("shouhou.writer", False):
            writers.release()

    return engine


def _begin_now(conn, writers: threading.Lock) -> None:
    """BEGIN IMMEDIATE if neither this process's writers nor another process hold the write lock
    now; else no transaction, the connection marked busy, having waited for nothing (busy
    timeout 0 for this one statement). No exception: its traceback would be a reference cycle
    on a request's path (api/collector.py)."""
    if not writers.acquire(blocking=False):
        conn.info[_BUSY] = True
        return
    conn.info["shouhou.writer"] = True  # released at checkin, as for a writer that waited
    driver = conn.connection.driver_connection
    driver.execute("PRAGMA busy_timeout=0")
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # SQLITE_BUSY: another process writes
        conn.info[_BUSY] = True
    finally:
        driver.execute(_BUSY_PRAGMA)


class Database:
    """Owns the engine; hands out sessions. Commit happens only at the boundary."""

    def __init__(self, url: str, *, echo: bool = False, sqlite_synchronous: str = "FULL",
                 pre_ping: bool = False, pool_size: int = 10, pool_overflow: int = 20,
                 pool_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        if sqlite_synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError("sqlite_synchronous must be FULL, NORMAL or EXTRA")
        self.url = url
        # SQLite: the turn this process's writers take (see _sqlite_engine)
        self.sqlite_writers = threading.Lock()
        # The pool's size and timeout are PostgreSQL's: SQLite's pool never makes a caller wait.
        self.engine = make_engine(url, echo=echo, sqlite_synchronous=sqlite_synchronous.upper(), pre_ping=pre_ping,
                                  pool_size=pool_size, pool_overflow=pool_overflow, pool_timeout=pool_timeout,
                                  sqlite_writers=self.sqlite_writers)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        # One statement that only reads needs no transaction: on PostgreSQL its BEGIN and COMMIT
        # were two round trips of three (SQLite begins no transaction for a read either way).
        self._lookup = self._read if self.is_sqlite else sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    def new_session(self, *, write: bool = True) -> Session:
        return (self._write if write else self._read)()

    def lookup_session(self) -> Session:
        """For a single read statement (a bearer token's check): outside any transaction."""
        return self._lookup()

    def try_begin(self, session: Session) -> bool:
        """SQLite: begin `session`'s write transaction now if the write lock is free, without
        waiting for it (True); else leave the session as it was, closed (False). A caller on the
        event loop may then do the unit's work there, as nothing in it can wait for another
        writer. Always False on PostgreSQL, whose writes wait for row locks, not for one lock."""
        if not self.is_sqlite:
            return False
        if session.connection(execution_options={_NO_WAIT: True}).info.pop(_BUSY, False):
            session.close()  # no transaction began; the connection goes back to the pool
            return False
        return True

    def end_read(self, session: Session) -> None:
        """End a unit of work that only read, as closing it would, but on PostgreSQL with a COMMIT
        instead of closing's ROLLBACK: psycopg deallocates all of a connection's prepared statements
        on a ROLLBACK, so a pool whose reads roll back plans every statement again, on every request
        (2.3 ms for the case read). One that wrote after all, or holds unflushed changes, is rolled
        back as before, and so is one whose connection failed."""
        try:
            if (not self.is_sqlite and session.in_transaction() and not (session.new or session.dirty or session.deleted)
                    and not session.connection().info.get(_WROTE)):
                session.commit()
        except SQLAlchemyError:
            pass  # closing rolls back what is left, as it always did
        finally:
            session.close()

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: commits when the block ends cleanly, rolls back otherwise."""
        session = self.new_session(write=write)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
