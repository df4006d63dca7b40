"""Write outbox rows in the caller's transaction; delivery happens after commit."""

from __future__ import annotations

from typing import Any

from shouhou.db.base import table_of
from shouhou.engine.context import Ctx
from shouhou.engine.logrows import LogRows
from shouhou.engine.messages import outbox_row
from shouhou.models import Case, OutboxMessage


def emit(ctx: Ctx, topic: str, payload: dict[str, Any], *, store_id: int, rows: LogRows,
         case: Case | None = None) -> None:
    # Written with the action's other rows: nothing reads it back in this unit of work.
    rows.insert(_OUTBOX, outbox_row(store_id=store_id, topic=topic, case_id=case.id if case else None,
                                    payload=payload, created_at=ctx.clock.now()))


_OUTBOX = table_of(OutboxMessage)
