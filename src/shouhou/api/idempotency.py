"""Stored first responses are kept long enough for retries, then purged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from shouhou.models import IdempotencyRecord


def purge(session: Session, before: datetime) -> int:
    """Forget responses stored before `before` (they may hold secrets, e.g. a webhook's)."""
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before),
                             execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0))  # a DELETE's result is a CursorResult
