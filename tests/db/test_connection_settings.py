"""What every PostgreSQL connection of shouhou's is set to on connecting (db/engine.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def test_postgresql_connections_wait_for_locks_a_bounded_time_and_never_jit_compile(db):
    if db.is_sqlite:
        pytest.skip("SQLite has neither lock_timeout nor JIT")
    with db.session() as s:
        assert s.execute(text("SHOW lock_timeout")).scalar() == "30s"
        # A case's one-query load compiled for ~2 s under JIT once its tables had statistics.
        assert s.execute(text("SHOW jit")).scalar() == "off"
