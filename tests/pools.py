"""An app whose PostgreSQL pool has one connection, and a way to take it, as a long request would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shouhou.app import create_app
from shouhou.db import Database


def postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite's pool opens another connection rather than make a request wait (db/engine.py)")


@contextmanager
def crowded(url: str, settings: Any, clock: Any) -> Iterator[tuple[TestClient, Any]]:
    """An app whose pool has one connection and waits 0.2 s for it; `hold()` takes that connection
    (as a long request would) until the block it opens ends."""
    db = Database(url, pool_size=1, pool_overflow=0, pool_timeout=0.2)

    @contextmanager
    def hold() -> Iterator[None]:
        session = db.new_session(write=False)
        session.connection()
        try:
            yield
        finally:
            session.close()

    try:
        with TestClient(create_app(settings, db=db, clock=clock), raise_server_exceptions=False) as client:
            yield client, hold
    finally:
        db.engine.dispose()
