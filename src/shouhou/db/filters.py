"""Conditions on fixed values, for statements built once and run on every request.

SQLAlchemy renders an IN list into the SQL text at each execution (its "post-compile"
step); plain comparisons keep the cached SQL as it is.

A value that a partial index names (timer: `state = 'pending'`) needs care. Bound as a
parameter, SQLite re-prepares the statement at every execution to see whether the index
applies, and PostgreSQL's generic plans cannot use the index. Written into the SQL,
PostgreSQL may choose the partial index where another is meant, and walk all of it (a
case's pending timers, say, found through every pending timer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, literal_column, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    return or_(*(column == v for v in values))


def none_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    return and_(*(column != v for v in values))


def is_constant(column: Any, value: str) -> ColumnElement[bool]:
    """column = 'value' written into the SQL on every database: for statements that are
    meant to use the partial index naming the value (the due timers, the due deliveries)."""
    return column == literal_column(_checked(value), column.type)


def is_state(column: Any, value: str) -> ColumnElement[bool]:
    """column = value beside a lookup by another index (a case's timers): written into the
    SQL on SQLite, bound on PostgreSQL, so that neither database turns to the partial index."""
    _checked(value)
    return column == _InlineOnSqlite(value, column.type)


def _checked(value: str) -> str:
    if not value.isidentifier():  # written into SQL: code constants only
        raise ValueError(f"not a constant name: {value!r}")
    return f"'{value}'"


class _InlineOnSqlite(ColumnElement[Any]):
    inherit_cache = True
    _traverse_internals = [("value", InternalTraversal.dp_plain_obj), ("type", InternalTraversal.dp_type)]  # noqa: RUF012

    def __init__(self, value: str, type_: Any) -> None:
        self.value = value
        self.type = type_


@compiles(_InlineOnSqlite, "sqlite")
def _inline(element: _InlineOnSqlite, compiler: Any, **kw: Any) -> str:
    return _checked(element.value)


@compiles(_InlineOnSqlite)
def _bound(element: _InlineOnSqlite, compiler: Any, **kw: Any) -> str:
    return compiler.process(literal(element.value, element.type), **kw)
