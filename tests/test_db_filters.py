"""is_constant: the value goes into the SQL text, so a partial index naming it is matched once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from shouhou.db.filters import is_constant
from shouhou.engine import timers
from shouhou.models import Store

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_it_selects_the_rows_with_that_value(db):
    with db.session() as s:
        s.add_all([Store(code="X1", name="甲", created_at=T0), Store(code="X2", name="乙", created_at=T0)])
    with db.session() as s:
        assert s.scalars(select(Store.name).where(is_constant(Store.code, "X1"))).all() == ["甲"]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()], ids=["sqlite", "postgresql"])
def test_pending_timer_statements_name_the_state_in_their_text(dialect):
    # Bound, SQLite re-prepared these at every execution (ix_timer_pending_due is WHERE state = 'pending').
    for stmt in (timers._NEXT, timers._CANCEL_ALL):
        compiled = stmt.compile(dialect=dialect)
        assert "timer.state = 'pending'" in str(compiled)
        assert "pending" not in compiled.params.values()


@pytest.mark.parametrize("value", ["x'; DROP TABLE timer; --", "two words", ""])
def test_only_constant_names_are_written_into_sql(value):
    with pytest.raises(ValueError, match="not a constant name"):
        is_constant(Store.code, value)
