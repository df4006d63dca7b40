"""The rows an action writes beside its claim on the case (a new case's own row and detail
rows, a transition's new status, timers armed or cancelled, its event, its outbox message),
sent in the order they were made, all at once.

They go through the driver, none of SQLAlchemy's per-statement work for rows nothing in
the request reads back. On PostgreSQL they are joined as data-modifying WITH clauses of as
few statements as their order allows (see `batches`), in one pipeline: one round trip.
Elsewhere each is its own statement, compiled by SQLAlchemy, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.types.json import Json, Jsonb
from sqlalchemy import Executable, Table, inspect

from shouhou.db.driver import announce, execute_all, wrapped
from shouhou.db.insert import attach, insert_statement, json_columns, pg_insert_sql, row_values
from shouhou.db.update import changes, mark_clean, pg_update_sql, update_statement
from shouhou.engine.context import Ctx


class LogRows:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.ops: list[tuple[Executable, str, dict[str, Any], Iterable[str], Iterable[str]]] = []

    def add(self, stmt: Executable, pg_sql: str, params: dict[str, Any], *, json: Iterable[str] = (),
            jsonb: Iterable[str] = ()) -> None:
        """`stmt` and `pg_sql` say the same; `json`/`jsonb` name the parameters holding documents."""
        self.ops.append((stmt, pg_sql, params, json, jsonb))

    def insert(self, obj: Any, *, persistent: bool) -> None:
        """A new ORM object's row, in turn with the others. `persistent`: attach the object to
        the session now (its primary key must be known), so later changes are UPDATEs; nothing
        may change it before `write`. Otherwise it stays a description of its row."""
        values, generated = row_values(obj)
        if generated is not None and persistent:
            raise ValueError("an object with a generated key cannot be attached before its row is written")
        self.insert_row(inspect(obj).mapper.local_table, values)
        if persistent:
            attach(self.ctx.session, obj)

    def insert_row(self, table: Table, values: dict[str, Any]) -> None:
        """A new row given by its column values (every column but a generated key): for log
        rows nothing in the unit of work reads back, so no ORM object need be built."""
        sql, json, jsonb = pg_insert_sql(table, tuple(values))
        self.add(insert_statement(table), sql, values, json=json, jsonb=jsonb)

    def update(self, obj: Any) -> bool:
        """A loaded object's changed columns, as an UPDATE in turn with the others; the object
        is clean afterwards. False (nothing queued) if it changed in a way only a flush writes."""
        found = changes(obj)
        if found is None:
            return False
        table, values, keys = found
        names, key_names = tuple(values), tuple(keys)
        json, jsonb = json_columns(table, names)
        self.add(update_statement(table, names, key_names), pg_update_sql(table, names, key_names),
                 values | {f"k_{k}": v for k, v in keys.items()}, json=json, jsonb=jsonb)
        mark_clean(self.ctx.session, obj)
        return True

    def write(self) -> None:
        ops, self.ops = self.ops, []
        if not ops:
            return
        connection = self.ctx.session.connection()
        if connection.dialect.name != "postgresql":
            # The statements in order, through the driver (db/driver.py).
            execute_all(connection, ((stmt, params) for stmt, _, params, _, _ in ops))
            return
        conn = connection.connection.driver_connection
        sql, values = "", {}
        try:
            with conn.pipeline(), conn.cursor() as cur:
                for batch in batches([(op[1], len(op[2])) for op in ops]):
                    values = {}
                    for i in batch:
                        _, _, params, json, jsonb = ops[i]
                        suffix = f"_{i}"
                        for k, v in params.items():
                            if v is not None and (k in json or k in jsonb):
                                v = Json(v) if k in json else Jsonb(v)
                            values[k + suffix] = v
                    sql = joined_sql(tuple(ops[i][1] for i in batch), tuple(batch))
                    announce(connection, cur, sql, values)
                    cur.execute(sql, values)
        except psycopg.Error as exc:
            raise wrapped(connection, exc, sql, values) from exc


# psycopg parses a statement's placeholders once and keeps it only within these bounds
# (psycopg._queries.MAX_CACHED_STATEMENT_PARAMS / _LENGTH); longer ones are parsed per call.
MAX_PARAMS, MAX_LENGTH = 50, 4000
_TARGET = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)
_PARAM = re.compile(r"%\((\w+)\)s")


@lru_cache(maxsize=256)
def _target(sql: str) -> tuple[bool, str]:
    """(is an INSERT, table) of one statement."""
    m = _TARGET.match(sql)
    if m is None:
        raise ValueError(f"not an INSERT, UPDATE or DELETE: {sql[:60]}")
    return m.group(1).upper().startswith("INSERT"), m.group(2).lower()


def batches(statements: list[tuple[str, int]]) -> list[list[int]]:
    """The positions of (SQL, parameter count) pairs, in order, cut into runs that may be
    one statement.

    Sub-statements of one statement all see the database as it was before it, so an UPDATE
    or DELETE of a table written earlier in the run starts a new run: a timer cancelled
    right after it was armed must see it (and no row may be changed twice in one statement).
    A run also stays within what psycopg keeps parsed between calls.
    """
    out: list[list[int]] = []
    written: set[str] = set()
    size = length = 0
    for i, (sql, n) in enumerate(statements):
        insert, table = _target(sql)
        if (not out or (not insert and table in written) or size + n > MAX_PARAMS
                or length + len(sql) > MAX_LENGTH):
            out.append([])
            written, size, length = set(), 0, 0
        out[-1].append(i)
        written.add(table)
        size, length = size + n, length + len(sql) + 16
    return out


@lru_cache(maxsize=256)
def joined_sql(sqls: tuple[str, ...], positions: tuple[int, ...]) -> str:
    """One statement doing `sqls` in turn; each one's parameters renamed with its position."""
    parts = [_PARAM.sub(lambda m, i=i: f"%({m.group(1)}_{i})s", sql) for sql, i in zip(sqls, positions, strict=True)]
    if len(parts) == 1:
        return parts[0]
    clauses = ", ".join(f"w{k} AS ({part})" for k, part in enumerate(parts[:-1]))
    return f"WITH {clauses} {parts[-1]}"
