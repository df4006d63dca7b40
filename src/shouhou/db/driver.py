"""Core statements sent straight through the DBAPI cursor, for rows nothing reads back.

SQLAlchemy's execution of a statement (cache key, execution context, result set-up) costs
several times what SQLite takes to run a small INSERT. Here SQLAlchemy still compiles each
statement, once per shape, and its parameters still pass through the same bind processors;
only the per-execution machinery is skipped. `before_cursor_execute` listeners still see
each statement; a driver error is raised as SQLAlchemy's exception, as `Connection.execute`
would raise it, and a lost connection is invalidated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
_REQUIRED = object()


@dataclass(frozen=True)
class Prepared:
    compiled: SQLCompiler
    processors: dict[str, Processor]
    # Per position: name, processor, and the value the statement holds itself (`.values(state="x")`)
    # or _REQUIRED. None: the SQL is completed per call (IN lists).
    plain: tuple[tuple[str, Processor | None, Any], ...] | None


_PREPARED: dict[tuple[int, int, tuple[str, ...]], tuple[Executable, Dialect, Prepared]] = {}
_MAX = 2048


def prepared(stmt: Executable, keys: tuple[str, ...], dialect: Dialect) -> Prepared:
    """The statement compiled for these parameter names (an INSERT's columns follow them)."""
    key = (id(stmt), id(dialect), keys)
    found = _PREPARED.get(key)
    if found is not None:
        return found[2]  # the entry holds stmt and dialect, so neither id is reused meanwhile
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    processors = {name: p for bind, name in compiled.bind_names.items()
                  if (p := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    late = (compiled.post_compile_params or compiled.literal_execute_params
            or any(b.callable is not None for b in binds.values()))
    order = compiled.positiontup if compiled.positional else list(binds)
    plain = None if late else tuple(
        (name, processors.get(name), _REQUIRED if binds[name].required else binds[name].value) for name in order)
    if len(_PREPARED) >= _MAX:  # shapes are few; many only where tests build many engines
        _PREPARED.clear()
    entry = Prepared(compiled, processors, plain)
    _PREPARED[key] = (stmt, dialect, entry)
    return entry


def execute_all(conn: Connection, statements: Iterable[tuple[Executable, dict[str, Any]]]) -> None:
    """Run each (statement, parameters) in turn on the connection's DBAPI cursor."""
    _run(conn, statements, fetch=None)


def fetch_one(conn: Connection, stmt: Executable, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """Run one statement and return its first row as the driver gives it (no result
    processing: for plain values such as a generated key)."""
    return _run(conn, [(stmt, params)], fetch="one")


def fetch_all(conn: Connection, stmt: Executable, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run one statement and return its rows as the driver gives them (plain values only:
    a datetime comes back as SQLite stores it, text)."""
    return _run(conn, [(stmt, params)], fetch="all")


def count(conn: Connection, stmt: Executable, params: dict[str, Any]) -> int:
    """Run one UPDATE or DELETE and return how many rows it changed."""
    return _run(conn, [(stmt, params)], fetch="count")


def _run(conn: Connection, statements: Iterable[tuple[Executable, dict[str, Any]]], *,
         fetch: str | None) -> Any:
    dialect = conn.dialect
    cur = conn.connection.driver_connection.cursor()
    sql, values = "", ()
    try:
        for stmt, params in statements:
            sql, values = _bound(prepared(stmt, tuple(params), dialect), params)
            announce(conn, cur, sql, values)
            cur.execute(sql, values)
        if fetch == "one":
            return cur.fetchone()
        if fetch == "all":
            return cur.fetchall()
        return cur.rowcount if fetch == "count" else None
    except dialect.loaded_dbapi.Error as exc:
        raise wrapped(conn, exc, sql, values) from exc
    finally:
        cur.close()


def announce(conn: Connection, cursor: Any, sql: str, params: Any) -> None:
    """Listeners of `before_cursor_execute` see these statements too, with no execution
    context (what they return is not used). Nothing to do when none listen."""
    listeners = conn.dispatch.before_cursor_execute
    if listeners:  # a test or a tracer; usually none, and asking is cheaper than iterating
        for listener in listeners:
            listener(conn, cursor, sql, params, None, False)


def _bound(p: Prepared, params: dict[str, Any]) -> tuple[str, Any]:
    """The SQL and the driver's parameters for one execution."""
    if p.plain is not None:
        sql = p.compiled.string
        named = [(k, _value(params, k, f, v)) for k, f, v in p.plain]
    else:
        state = p.compiled.construct_expanded_state(params)
        procs = p.processors | dict(state.processors)
        sql = state.statement
        names = state.positiontup if p.compiled.positional else state.parameters
        named = [(k, procs[k](state.parameters[k]) if k in procs else state.parameters[k]) for k in names]
    return sql, (tuple(v for _, v in named) if p.compiled.positional else dict(named))


def _value(params: dict[str, Any], name: str, processor: Processor | None, held: Any) -> Any:
    if held is _REQUIRED:
        value = params[name]  # KeyError, as SQLAlchemy refuses a statement missing a value
    else:
        value = params.get(name, held)
    return value if processor is None else processor(value)


def wrapped(conn: Connection, exc: Exception, sql: str, params: Any) -> DBAPIError:
    """A driver's error as SQLAlchemy raises it (IntegrityError, OperationalError, …); after a
    lost connection the connection is invalidated, so the pool does not hand it out again."""
    dialect = conn.dialect
    gone = dialect.is_disconnect(exc, conn.connection.dbapi_connection, None)
    if gone:
        conn.invalidate(exc)
    return DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error, connection_invalidated=gone,
                               dialect=dialect)
