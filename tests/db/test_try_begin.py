"""Database.try_begin: a SQLite write transaction begun only if the write lock is free this
instant, never waiting for it; on PostgreSQL, never (its writes wait for row locks)."""

from __future__ import annotations

import gc
import sqlite3

import pytest
from sqlalchemy import func, select, text

from shouhou.models import Store
from tests.writers import writer_holding


def locked_for_others(path: str) -> bool:
    """Whether another connection, waiting for nothing, is refused the write lock."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()
    return False


def test_a_free_lock_is_taken_at_once_on_sqlite_and_never_on_postgresql(db, backend):
    session = db.new_session(write=True)
    try:
        began = db.try_begin(session)
        assert began == (backend == "sqlite")
        if began:
            assert session.in_transaction()
            assert locked_for_others(db.engine.url.database or "")
        else:
            assert not session.in_transaction()
        assert session.scalar(select(func.count()).select_from(Store)) == 0  # usable either way
    finally:
        session.close()
    if backend == "sqlite":
        assert not db.sqlite_writers.locked() and not locked_for_others(db.engine.url.database or "")


def refused_without_garbage(db, session) -> bool:
    """try_begin's answer, having checked it left no reference cycle (requests leave none:
    api/collector.py); an exception's traceback would have."""
    gc.collect()
    gc.disable()
    try:
        began = db.try_begin(session)
        assert gc.collect() == 0
    finally:
        gc.enable()
    return began


def sqlite_only(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL has no write lock to find taken")


def test_a_lock_held_by_another_writer_of_the_process_is_not_waited_for(db, backend):
    sqlite_only(backend)
    session = db.new_session(write=True)
    try:
        with writer_holding(db):
            assert refused_without_garbage(db, session) is False
            assert not session.in_transaction()
        assert db.try_begin(session) is True  # the same session, once the other writer is done
    finally:
        session.close()


def test_a_lock_held_by_another_process_is_not_waited_for_and_the_busy_timeout_stays(db, backend):
    sqlite_only(backend)
    other = sqlite3.connect(db.engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    session = db.new_session(write=True)
    try:
        assert refused_without_garbage(db, session) is False
        assert not db.sqlite_writers.locked()  # the process's turn was handed back
    finally:
        session.close()
        other.execute("ROLLBACK")
        other.close()
    with db.session() as s:  # every pooled connection still waits 30 s for the lock
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 30000
