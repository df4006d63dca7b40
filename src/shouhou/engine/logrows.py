"""The rows an action writes beside its claim on the case (a new case's own row and detail
rows, a transition's new status, timers armed or cancelled, its event, its outbox message),
sent in the order they were made, all at once.

On PostgreSQL they go through the driver in one pipeline: one round trip, and none of
SQLAlchemy's per-statement work for rows nothing in the request reads back. Elsewhere
each is a plain statement through SQLAlchemy, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg.types.json import Json, Jsonb
from sqlalchemy import Executable, inspect

from shouhou.db.insert import attach, insert_statement, pg_insert_sql, row_values
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
        table = inspect(obj).mapper.local_table
        sql, json, jsonb = pg_insert_sql(table, tuple(values))
        self.add(insert_statement(table), sql, values, json=json, jsonb=jsonb)
        if persistent:
            attach(self.ctx.session, obj)

    def write(self) -> None:
        ops, self.ops = self.ops, []
        if not ops:
            return
        session = self.ctx.session
        if session.get_bind().dialect.name != "postgresql":
            for stmt, _, params, _, _ in ops:
                session.execute(stmt, params)
            return
        conn = session.connection().connection.driver_connection
        with conn.pipeline(), conn.cursor() as cur:
            for _, sql, params, json, jsonb in ops:
                values = dict(params)
                for k in json:
                    if values[k] is not None:
                        values[k] = Json(values[k])
                for k in jsonb:
                    if values[k] is not None:
                        values[k] = Jsonb(values[k])
                cur.execute(sql, values)
