"""is_constant / is_state: a value that a partial index names, written into the SQL where
that helps and bound where writing it in would mislead the planner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from shouhou.db.filters import is_constant, is_state
from shouhou.engine import timers
from shouhou.models import Store, Timer

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
SQLITE, PG = sqlite.dialect(), postgresql.psycopg.dialect()


@pytest.mark.parametrize("condition", [is_constant, is_state])
def test_it_selects_the_rows_with_that_value(db, condition):
    with db.session() as s:
        s.add_all([Store(code="X1", name="甲", created_at=T0), Store(code="X2", name="乙", created_at=T0)])
    with db.session() as s:
        stmt = select(Store.name).where(condition(Store.code, "X1"))
        assert s.scalars(stmt).all() == ["甲"]
        assert s.scalars(stmt).all() == ["甲"]  # again, from SQLAlchemy's statement cache


def test_a_cases_pending_timers_are_named_on_sqlite_and_bound_on_postgresql():
    # Bound, SQLite re-prepared these at every execution (ix_timer_pending_due is WHERE state = 'pending');
    # written in, PostgreSQL may walk that index for one case's timers.
    for stmt in (timers._NEXT, timers._CANCEL_ALL):
        on_sqlite, on_pg = stmt.compile(dialect=SQLITE), stmt.compile(dialect=PG)
        assert "timer.state = 'pending'" in str(on_sqlite) and "pending" not in on_sqlite.params.values()
        assert "'pending'" not in str(on_pg) and "pending" in on_pg.params.values()


def test_the_due_timers_are_named_everywhere():
    stmt = select(Timer.id).where(is_constant(Timer.state, "pending"))
    for dialect in (SQLITE, PG):
        assert "timer.state = 'pending'" in str(stmt.compile(dialect=dialect))


@pytest.mark.parametrize("condition", [is_constant, is_state])
@pytest.mark.parametrize("value", ["x'; DROP TABLE timer; --", "two words", ""])
def test_only_constant_names_are_written_into_sql(condition, value):
    with pytest.raises(ValueError, match="not a constant name"):
        condition(Store.code, value)
