"""Write outbox rows in the caller's transaction; delivery happens after commit."""

from __future__ import annotations

from typing import Any

from shouhou.engine.context import Ctx
from shouhou.engine.logrows import LogRows
from shouhou.models import Case, OutboxMessage


def emit(ctx: Ctx, topic: str, payload: dict[str, Any], *, store_id: int, rows: LogRows,
         case: Case | None = None) -> None:
    # A plain INSERT with the action's other rows: nothing reads it back in this unit of work.
    rows.add(_INSERT, _PG_INSERT, {"store_id": store_id, "topic": topic, "case_id": case.id if case else None,
                                   "payload": payload, "created_at": ctx.clock.now(), "dispatched_at": None},
             json=("payload",))


_INSERT = OutboxMessage.__table__.insert()
_PG_INSERT = ("INSERT INTO outbox (store_id, topic, case_id, payload, created_at, dispatched_at) "
              "VALUES (%(store_id)s, %(topic)s, %(case_id)s, %(payload)s, %(created_at)s, %(dispatched_at)s)")
