"""Conditions on fixed values, for statements built once and run on every request.

SQLAlchemy renders an IN list into the SQL text at each execution (its "post-compile"
step); plain comparisons keep the cached SQL as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, literal_column, or_


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    return or_(*(column == v for v in values))


def none_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    return and_(*(column != v for v in values))


def is_constant(column: Any, value: str) -> ColumnElement[bool]:
    """column = 'value' with the value in the SQL text, for a partial index whose predicate
    names it (timer: state = 'pending'). Against a bound parameter SQLite re-prepares the
    statement at every execution to see whether the index applies, and PostgreSQL's generic
    plans cannot use such an index at all."""
    if not value.isidentifier():  # written into SQL: code constants only
        raise ValueError(f"not a constant name: {value!r}")
    return column == literal_column(f"'{value}'", column.type)
