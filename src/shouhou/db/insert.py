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

from shouhou.db.driver import execute_all, fetch_one
from shouhou.db.lookup import hold

T = TypeVar("T")


def new_row(model: type[T], **values: Any) -> T:
    """A new ORM object for a row about to be written by `insert_now` or `LogRows.insert`.

    The values go straight into the instance: a constructor would fire an attribute event per
    value to record history that the attach right after throws away."""
    unknown = set(values) - _keys(model)
    if unknown:
        raise TypeError(f"{model.__name__} has no column(s) {sorted(unknown)}")
    obj = inspect(model).class_manager.new_instance()
    obj.__dict__.update(values)
    return obj


@cache
def _keys(model: type) -> frozenset[str]:
    return frozenset(key for key, *_ in _columns(model))


def row_values(obj: Any) -> tuple[dict[str, Any], Column | None]:
    """The object's column values, Python-side defaults filled in (and set on the object, as
    a flush would), and the auto-generated primary key column if its value is still to come."""
    held = obj.__dict__
    values: dict[str, Any] = {}
    generated = None
    for key, name, column, auto_key, default in _columns(type(obj)):
        if key in held:
            values[name] = held[key]
            continue
        if auto_key and generated is None:
            generated = column
            continue
        value = default(None) if callable(default) else default  # SQLAlchemy's callables take a context
        # Straight into the instance dict: the object is attached (its state committed) or
        # left as a plain description right after, so there is no history to record.
        held[key] = value
        values[name] = value
    return values, generated


@cache
def _columns(model: type) -> tuple[tuple[str, str, Column, bool, Any], ...]:
    """Per mapped column: attribute key, column name, column, whether the database generates
    it as the primary key, and its Python-side default (a value, or a callable)."""
    out = []
    for prop in inspect(model).column_attrs:
        column = prop.columns[0]
        default = column.default
        if default is None:
            value = None
        elif default.is_scalar:
            value = default.arg
        elif default.is_callable:
            value = default.arg
        else:
            value = _unknowable(model, column)
        out.append((prop.key, column.name, column, bool(column.primary_key and column.autoincrement is not False),
                    value))
    return tuple(out)


def _unknowable(model: type, column: Column) -> Any:
    def fail(_: Any) -> Any:
        raise TypeError(f"{model.__tablename__}.{column.name}: a SQL default cannot be known without a read")
    return fail


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
    conn = session.connection()
    if generated is not None:
        key = inspect(obj).mapper.get_property_by_column(generated).key
        row = fetch_one(conn, _statement(table, generated), values)
        assert row is not None, "INSERT … RETURNING gave no row"
        setattr(obj, key, row[0])
    else:
        execute_all(conn, [(_statement(table, None), values)])
    return attach(session, obj)
