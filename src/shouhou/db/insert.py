"""Writing a new row with one plain INSERT and keeping its ORM object as if it were loaded.

The ORM's flush costs several times what the statement does; on the hot path (a new
case and its detail rows) the object is built, inserted with its table's INSERT, and
attached to the session as persistent, so later changes to it are ordinary UPDATEs.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Column, Insert, Table, inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.types import JSON

from shouhou.db.lookup import hold

T = TypeVar("T")


def row_values(obj: Any) -> tuple[dict[str, Any], Column | None]:
    """The object's column values, Python-side defaults filled in (and set on the object, as
    a flush would), and the auto-generated primary key column if its value is still to come."""
    mapper = inspect(obj).mapper
    values: dict[str, Any] = {}
    generated = None
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if prop.key in obj.__dict__:
            values[column.name] = obj.__dict__[prop.key]
            continue
        if column.primary_key and column.autoincrement is not False and generated is None:
            generated = column
            continue
        default = column.default
        if default is None:
            value = None
        elif default.is_scalar:
            value = default.arg
        elif default.is_callable:
            value = default.arg(None)  # SQLAlchemy wraps zero-argument callables to take a context
        else:
            raise TypeError(f"{mapper.local_table.name}.{column.name}: a SQL default cannot be known without a read")
        setattr(obj, prop.key, value)
        values[column.name] = value
    return values, generated


def attach(session: Session, obj: T) -> T:
    """An object whose row is written (or queued, in order, before anything touches it again)
    becomes persistent without a flush."""
    make_transient_to_detached(obj)
    session.add(obj)
    return hold(session, obj)


@cache
def _statement(table: Table, returning: Column | None) -> Insert:
    """One statement per table, values as parameters: compiled once, not rebuilt per row."""
    stmt = table.insert()
    return stmt.returning(returning) if returning is not None else stmt


def insert_statement(table: Table) -> Insert:
    return _statement(table, None)


@cache
def pg_insert_sql(table: Table, names: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The driver's SQL for one row of `table` on PostgreSQL with these columns, and which
    of them hold JSON / JSONB."""
    json, jsonb = json_columns(table, names)
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join(f'%({n})s' for n in names)})")
    return sql, json, jsonb


@cache
def json_columns(table: Table, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of these columns hold JSON and which JSONB on PostgreSQL (the driver needs telling)."""
    dialect = postgresql.dialect()
    columns = [table.columns[n] for n in names]
    json = tuple(c.name for c in columns
                 if isinstance(c.type.dialect_impl(dialect), JSON) and not isinstance(c.type.dialect_impl(dialect),
                                                                                    postgresql.JSONB))
    jsonb = tuple(c.name for c in columns if isinstance(c.type.dialect_impl(dialect), postgresql.JSONB))
    return json, jsonb


def insert_now(session: Session, obj: T) -> T:
    values, generated = row_values(obj)
    table = inspect(obj).mapper.local_table
    if generated is not None:
        key = inspect(obj).mapper.get_property_by_column(generated).key
        setattr(obj, key, session.execute(_statement(table, generated), values).scalar_one())
    else:
        session.execute(_statement(table, None), values)
    return attach(session, obj)
