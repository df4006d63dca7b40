"""Side effects leave through the outbox, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import LogJSON, PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreCopied, StoreScoped


class OutboxMessage(IdPk, StoreCopied, Created, Base):
    """A message to deliver. `case_id` has no foreign key, as on `case_event` (and for the
    same reason): the message is written with its case's change, in the same transaction."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "id", sqlite_where=text("dispatched_at IS NULL"),
              postgresql_where=text("dispatched_at IS NULL")),
    )

    topic: Mapped[str] = mapped_column(String(60), nullable=False)
    case_id: Mapped[int | None] = mapped_column(BigId)
    payload: Mapped[dict[str, Any]] = mapped_column(LogJSON, nullable=False)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookEndpoint(IdPk, StoreScoped, Created, Base):
    __tablename__ = "webhook_endpoint"

    url: Mapped[str] = mapped_column(String(500), nullable=False)
    secret: Mapped[str] = mapped_column(String(300), nullable=False)  # sealed: webhooks/sealing.py
    topics: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)  # [] = all
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class WebhookDelivery(IdPk, StoreScoped, Created, Base):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "next_attempt_at", sqlite_where=text("state = 'pending'"),
              postgresql_where=text("state = 'pending'")),
    )

    endpoint_id: Mapped[int] = mapped_column(BigId, ForeignKey("webhook_endpoint.id"), index=True, nullable=False)
    outbox_id: Mapped[int] = mapped_column(BigId, ForeignKey("outbox.id"), index=True, nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")  # pending|delivered|dead
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the receiver answered, as a hash only: its body is never shown back to the subscriber.
    last_body_sha256: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
