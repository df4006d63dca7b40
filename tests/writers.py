"""A writer of this process in its transaction, held in a thread until the block ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from shouhou.db import Database


@contextmanager
def writer_holding(db: Database, statement: str = "SELECT 1", **params: object) -> Iterator[None]:
    """Yields once the thread's write transaction has begun (on SQLite: holding the write lock)
    and run `statement` (on PostgreSQL, `... FOR UPDATE` holds rows)."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.session() as s:
            s.execute(text(statement), params)
            held.set()
            release.wait(20)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10), "the holding writer did not begin"
        yield
    finally:
        release.set()
        thread.join(10)
