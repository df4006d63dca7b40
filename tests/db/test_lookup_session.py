"""Database.lookup_session: a single read (the early bearer-token check) outside any transaction,
so that on PostgreSQL it costs one round trip instead of BEGIN, the statement and COMMIT; the
pooled connection it used comes back to writers in transactions as before."""

from __future__ import annotations

import psycopg.pq
from sqlalchemy import func, select, text

from shouhou.models import Store


def status(session) -> psycopg.pq.TransactionStatus:
    return session.connection().connection.driver_connection.info.transaction_status


def test_a_lookup_runs_outside_a_transaction_on_postgresql_and_leaves_the_pool_as_it_was(db, backend):
    session = db.lookup_session()
    try:
        assert session.scalar(select(func.count()).select_from(Store)) == 0
        if backend == "postgresql":
            assert status(session) == psycopg.pq.TransactionStatus.IDLE  # no BEGIN was sent
    finally:
        db.end_read(session)
    with db.session() as s:  # the next unit of work, likely on the same connection, is one transaction
        s.execute(text("SELECT 1"))
        if backend == "postgresql":
            assert status(s) == psycopg.pq.TransactionStatus.INTRANS
