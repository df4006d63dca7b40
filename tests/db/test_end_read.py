"""Database.end_read: a unit of work that only read ends, on PostgreSQL, with a COMMIT, so that
psycopg keeps the connection's prepared statements (it deallocates them all on a ROLLBACK); one
that wrote, or holds changes it never flushed, is rolled back as closing always did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text

from shouhou.db import Database
from shouhou.db.base import table_of
from shouhou.models import Store

T0 = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
STORES = table_of(Store)


def stores(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Store)) or 0


def test_a_read_that_wrote_is_rolled_back(db):
    session = db.new_session(write=False)
    session.execute(insert(STORES).values(code="R1", name="读", created_at=T0, timezone="Asia/Shanghai"))
    db.end_read(session)
    assert stores(db) == 0


def test_changes_never_flushed_are_not_committed(db):
    session = db.new_session(write=False)
    session.scalar(select(func.count()).select_from(Store))  # the transaction has begun
    session.add(Store(code="R2", name="读", created_at=T0))
    db.end_read(session)
    assert stores(db) == 0


def test_a_read_after_a_lost_connection_still_ends(db):
    session = db.new_session(write=False)
    session.scalar(select(func.count()).select_from(Store))
    session.invalidate()  # as when the server went away
    db.end_read(session)  # no error: closing is all there is left to do


def prepared_after(url: str, end_with: str) -> int:
    db = Database(url)  # a pool of its own: one thread, one connection, used again and again
    try:
        query = select(Store.code).where(Store.code == "nobody")
        for _ in range(8):  # psycopg prepares a statement the fifth time a connection runs it
            session = db.new_session(write=False)
            session.execute(query).all()
            db.end_read(session) if end_with == "end_read" else session.close()
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() or 0
    finally:
        db.dispose()


def test_reads_keep_the_prepared_statements_on_postgresql(db, backend):
    if backend != "postgresql":
        pytest.skip("SQLite prepares statements in the driver; nothing is deallocated on a rollback")
    assert prepared_after(db.url, "close") == 0  # closing rolls back: psycopg deallocates them
    assert prepared_after(db.url, "end_read") >= 1
