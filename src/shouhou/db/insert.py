"""Writing a new row with one plain INSERT and keeping its ORM object as if it were loaded.

The ORM's flush costs several times what the statement does; on the hot path (a new
case and its detail rows) the object is built, inserted with its table's INSERT, and
attached to the session as persistent, so later changes to it are ordinary UPDATEs.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Column, Insert, Table, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from shouhou.db.lookup import hold

T = TypeVar("T")


@cache
def _statement(table: Table, returning: Column | None) -> Insert:
    """One statement per table, values as parameters: compiled once, not rebuilt per row."""
    stmt = table.insert()
    return stmt.returning(returning) if returning is not None else stmt


def insert_now(session: Session, obj: T) -> T:
    mapper = inspect(obj).mapper
    table = mapper.local_table
    values: dict[str, Any] = {}
    generated = None
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if prop.key in obj.__dict__:
            values[column.name] = obj.__dict__[prop.key]
            continue
        if column.primary_key and column.autoincrement is not False and generated is None:
            generated = (prop.key, column)
            continue
        default = column.default
        if default is None:
            value = None
        elif default.is_scalar:
            value = default.arg
        elif default.is_callable:
            value = default.arg(None)  # SQLAlchemy wraps zero-argument callables to take a context
        else:
            raise TypeError(f"{table.name}.{column.name}: a SQL default cannot be known without a read")
        setattr(obj, prop.key, value)
        values[column.name] = value
    if generated is not None:
        key, column = generated
        setattr(obj, key, session.execute(_statement(table, column), values).scalar_one())
    else:
        session.execute(_statement(table, None), values)
    make_transient_to_detached(obj)
    session.add(obj)
    return hold(session, obj)
