"""The rows an action writes beside its aggregates: timers armed and cancelled, its event,
its outbox message. Queued as the action goes and written in that order when it finishes
(a timer cancelled after it was armed in the same action must see it), through Core:
consecutive rows of one table go as one executemany. Nothing in the unit of work reads
them back as ORM objects.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, Insert, Table
from sqlalchemy.orm import Session


class LogRows:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._ops: list[tuple[Executable, list[dict[str, Any]] | dict[str, Any]]] = []

    def insert(self, table: Table, values: dict[str, Any]) -> None:
        """A new row given by its column values."""
        if self._ops:
            stmt, params = self._ops[-1]
            if isinstance(stmt, Insert) and stmt.table is table and isinstance(params, list):
                params.append(values)
                return
        self._ops.append((table.insert(), [values]))

    def execute(self, stmt: Executable, params: dict[str, Any]) -> None:
        """Any other statement (an UPDATE of timers), in turn with the rows."""
        self._ops.append((stmt, params))

    def write(self) -> None:
        ops, self._ops = self._ops, []
        if not ops:
            return
        conn = self.session.connection()
        for stmt, params in ops:
            conn.execute(stmt, params)
