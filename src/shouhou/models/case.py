"""The case (售后单/工单): one table for every after-sales type, plus its event log and links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import LogJSON, PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreCopied, StoreScoped


class Case(IdPk, StoreScoped, Created, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_store_type_status", "store_id", "type", "status"),
        Index("ix_cases_store_created", "store_id", "created_at"),
    )

    no: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="normal")
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="api")
    subject: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("customer.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"), index=True)
    # 首问负责制: whoever first took the case follows it to the end.
    first_owner_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Small type-specific facts; types with real detail keep their own tables.
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)


class CaseEvent(IdPk, StoreCopied, Base):
    """Immutable: who, when, action, from, to, what. seq equals the case version it produced.

    No foreign key to `cases`: only the engine writes events, in the transaction that has
    just locked and updated their case (whose `version` is the `seq`), and cases are never
    deleted; the database's check repeated that with a key-share lock per row, about a
    tenth of the timer sweep's database time.
    """

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    case_id: Mapped[int] = mapped_column(BigId, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(100), nullable=False)
    actor_role: Mapped[str] = mapped_column(String(20), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    visibility: Mapped[str] = mapped_column(String(10), nullable=False, default="public")
    payload: Mapped[dict[str, Any]] = mapped_column(LogJSON, nullable=False, default=dict)


class CaseLink(IdPk, StoreScoped, Created, Base):
    """A complaint spawns an exchange; a failed repair becomes a 三包 return."""

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id", "kind"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    other_case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="related")


class CaseNumber(Base):
    """Counters behind human case numbers such as AS2026112300001 (SQLite; PostgreSQL uses a SEQUENCE)."""

    __tablename__ = "case_number"

    name: Mapped[str] = mapped_column(String(8), primary_key=True)  # which counter: "case"
    last: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
