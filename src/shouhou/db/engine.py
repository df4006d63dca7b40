"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from shouhou.db.pgcursor import Cursor
from shouhou.db.types import json_dumps, json_loads
from shouhou.metrics import SQLITE_WRITER_WAIT

try:
    import fcntl
except ImportError:  # Windows: no flock; other processes' writers then wait in SQLite's busy handler
    fcntl = None  # type: ignore[assignment]

WRITER_QUEUE_SECONDS = 30.0  # then SQLite's busy timeout takes over
BUSY_TIMEOUT_SECONDS = 30.0  # then "database is locked"
# PostgreSQL writes on the event loop stop waiting for a row lock after this long (the
# loop serves nothing else meanwhile); the write is then done again in a worker thread.
LOOP_LOCK_TIMEOUT_MS = 50


class WriterBusy(Exception):
    """Another writer holds SQLite's write lock (raised only by `Database.begin_if_free`)."""


_no_wait = threading.local()  # set while begin_if_free begins a transaction on this thread


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, sqlite_synchronous: str = "FULL",
                pre_ping: bool = False, lock_timeout_ms: int | None = None) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo, synchronous=sqlite_synchronous)
    connect_args: dict = {"cursor_factory": Cursor}
    if lock_timeout_ms is not None:  # set at connection start-up: no statement per transaction
        given = make_url(url).query.get("options")  # e.g. a search_path: kept
        given = " ".join(given) if isinstance(given, tuple) else given
        connect_args["options"] = " ".join(filter(None, [given, f"-c lock_timeout={int(lock_timeout_ms)}"]))
    # A disconnect error invalidates the whole pool, so without pre-ping one request per
    # process fails after a database restart; recycling avoids idle connections cut by firewalls.
    return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=20, pool_pre_ping=pre_ping,
                         pool_recycle=1800, json_serializer=json_dumps, json_deserializer=json_loads,
                         connect_args=connect_args)


def lock_wait_too_long(exc: BaseException) -> bool:
    """PostgreSQL gave up waiting for a lock (lock_timeout: SQLSTATE 55P03)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "55P03"


def _sqlite_engine(url: str, *, echo: bool, synchronous: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False},
                           json_serializer=json_dumps, json_deserializer=json_loads)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy, not the driver, decide when transactions begin (pysqlite recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # FULL: a commit is on disk before it is acknowledged (NORMAL may lose the last
        # commits on power loss in WAL mode).
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    # Writers queue on locks of their own, in turn, rather than in SQLite's busy handler,
    # which polls with sleeps of up to 100 ms (a writer that commits and begins again, as
    # a timer sweep does batch after batch, would keep the lock from such a poller for as
    # long as it has work). First this process's thread lock, then a lock file beside the
    # database shared by every process, which the kernel gives to a waiter the moment it
    # is released (and releases if its holder dies). A writer queues for 30 s at most on
    # both together, then leaves it to SQLite's busy timeout (30 s more, then "database is
    # locked"). Both are released when the connection goes back to the pool, after its
    # commit or rollback.
    writers = engine.info_writers = threading.Lock()  # type: ignore[attr-defined]
    lock_file = engine.info_lock_file = (  # type: ignore[attr-defined]
        _LockFile(path + "-writer") if fcntl is not None and path and path != ":memory:" else None)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # Writers take the write lock up front: a deferred transaction that read first
        # could otherwise fail to upgrade under WAL instead of waiting its turn.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        if not immediate:
            conn.exec_driver_sql("BEGIN")
            return
        if getattr(_no_wait, "on", False):
            _begin_if_free(conn)
            return
        start = time.perf_counter()
        deadline = time.monotonic() + WRITER_QUEUE_SECONDS
        if writers.acquire(timeout=WRITER_QUEUE_SECONDS):
            conn.info["shouhou.writer"] = True
            if lock_file is not None and lock_file.acquire(max(0.0, deadline - time.monotonic())):
                conn.info["shouhou.writer_file"] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        SQLITE_WRITER_WAIT.observe(time.perf_counter() - start)

    def _begin_if_free(conn) -> None:  # noqa: ANN001
        if not writers.acquire(blocking=False):
            raise WriterBusy
        if lock_file is not None and not lock_file.try_acquire():
            writers.release()
            raise WriterBusy
        # A process that writes without the lock file (the sqlite3 shell) may hold SQLite's
        # own lock: do not wait for it here either.
        driver = conn.connection.driver_connection
        driver.execute("PRAGMA busy_timeout=0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            if lock_file is not None:
                lock_file.release()
            writers.release()
            raise WriterBusy from None
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        conn.info["shouhou.writer"] = True
        conn.info["shouhou.writer_file"] = lock_file is not None
        SQLITE_WRITER_WAIT.observe(0.0)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):  # noqa: ANN001
        if record.info.pop("shouhou.writer_file", False):
            lock_file.release()  # type: ignore[union-attr]
        if record.info.pop("shouhou.writer", False):
            writers.release()

    return engine


class _LockFile:
    """An exclusive lock on a file (flock), held by one process at a time, with a time limit.

    flock itself waits without one, so a contended lock is waited for by a keeper thread
    while the writer waits on an event with the time limit. When the keeper gets the lock,
    it hands it to whichever writer of this process waits now, or releases it if none does.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0
        self._reset()

    def _reset(self) -> None:
        self._mutex = threading.Lock()
        self._waiter: threading.Event | None = None  # the writer waiting now
        self._keeping = False  # a keeper thread is in flock (it may hold the lock already)

    def _descriptor(self) -> int:
        # Opened per process: a forked child sharing its parent's descriptor would share its
        # lock (and its copy would keep the lock held after the parent died).
        if self._pid != os.getpid():
            if self._fd is not None:
                os.close(self._fd)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
            self._reset()  # a keeper thread does not survive a fork
        return self._fd  # type: ignore[return-value]

    def acquire(self, timeout: float) -> bool:
        """Take the lock within `timeout` seconds; False if it stayed taken."""
        fd = self._descriptor()
        got = threading.Event()
        with self._mutex:
            # Not while a keeper is in flock: on this same descriptor, a non-blocking flock
            # would succeed on the lock the keeper is about to release.
            if not self._keeping:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    self._keeping = True
                    threading.Thread(target=self._keep, args=(fd,), name="shouhou-writer-lock", daemon=True).start()
            self._waiter = got
        if got.wait(timeout):
            return True
        with self._mutex:
            if got.is_set():  # handed over as the wait ended
                return True
            self._waiter = None
            return False

    def try_acquire(self) -> bool:
        """Take the lock only if no one holds it or waits for it in this process now."""
        fd = self._descriptor()
        with self._mutex:
            if self._keeping:
                return False
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

    def _keep(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # the descriptor was closed (the database disposed): its waiter times out
            return
        with self._mutex:
            self._keeping = False
            waiter, self._waiter = self._waiter, None
            if waiter is None:  # its writer gave up and nobody else waits
                with suppress(OSError):  # closed meanwhile: closing released it
                    fcntl.flock(fd, fcntl.LOCK_UN)
            else:
                waiter.set()

    def release(self) -> None:
        fcntl.flock(self._descriptor(), fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._pid = None, 0


class Database:
    """Owns the engine; hands out sessions. Commit happens only at the boundary."""

    def __init__(self, url: str, *, echo: bool = False, sqlite_synchronous: str = "FULL",
                 pre_ping: bool = False) -> None:
        if sqlite_synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError("sqlite_synchronous must be FULL, NORMAL or EXTRA")
        self.url = url
        self._options = {"echo": echo, "pre_ping": pre_ping}
        self.engine = make_engine(url, echo=echo, sqlite_synchronous=sqlite_synchronous.upper(), pre_ping=pre_ping)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)
        self._loop_engine: Engine | None = None

    def new_session(self, *, write: bool = True) -> Session:
        return (self._write if write else self._read)()

    def begin_if_free(self, session: Session) -> bool:
        """SQLite: begin the write session's transaction if the write lock is free now, without
        waiting; False, with the session closed and nothing begun, if another writer holds it."""
        _no_wait.on = True
        try:
            session.connection()
        except WriterBusy:
            session.close()
            return False
        finally:
            _no_wait.on = False
        return True

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

    @property
    def loop_engine(self) -> Engine:
        """PostgreSQL: connections for writes done on the event loop, which stop waiting for
        a row lock after LOOP_LOCK_TIMEOUT_MS. Made on first use (the server's only)."""
        if self.is_sqlite:
            raise RuntimeError("SQLite writes on the event loop use the one engine (begin_if_free)")
        if self._loop_engine is None:
            self._loop_engine = make_engine(self.url, pool_size=2, lock_timeout_ms=LOOP_LOCK_TIMEOUT_MS,
                                            **self._options)
        return self._loop_engine

    def dispose(self) -> None:
        if self._loop_engine is not None:
            self._loop_engine.dispose()
        self.engine.dispose()
        lock_file = getattr(self.engine, "info_lock_file", None)
        if lock_file is not None:
            lock_file.close()
