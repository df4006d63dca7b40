"""Write outbox rows in the caller's transaction; delivery happens after commit."""

from __future__ import annotations

from typing import Any

from shouhou.engine.context import Ctx
from shouhou.models import Case, OutboxMessage


def emit(ctx: Ctx, topic: str, payload: dict[str, Any], *, store_id: int, case: Case | None = None) -> None:
    # A plain INSERT: nothing reads the row back in this unit of work, and the ORM's flush
    # machinery costs several times more per row.
    ctx.session.execute(_INSERT, {"store_id": store_id, "topic": topic, "case_id": case.id if case else None,
                                  "payload": payload, "created_at": ctx.clock.now(), "dispatched_at": None})


_INSERT = OutboxMessage.__table__.insert()
