from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreCopied

TIMER_STATES = ("pending", "fired", "cancelled", "skipped", "failed")


class Timer(IdPk, StoreCopied, Created, Base):
    """A deadline on a case: when `due_at` passes, `action` runs as the system, exactly once."""

    __tablename__ = "timer"
    __table_args__ = (
        # Only pending rows are swept; fired ones stay out of the index (ARCHITECTURE rule 5).
        # (due_at, id) matches the sweep's ORDER BY, so LIMIT stops early instead of sorting.
        Index("ix_timer_pending_due", "due_at", "id",
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_timer_case", "case_id", "state"),
    )

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
