"""中差评 (seed 001 via SPEC §6): a neutral or negative review, why it was given, every contact with
the buyer and what came of it. The buyer's own view of the case is never shown to them: the case
names no customer (the detail does), so it stays the shop's record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, StoreScoped


class ReviewDetail(StoreScoped, Base):
    """One per review case: the review as the platform shows it, the analysis, the contacts
    (at most a few: never pressure the buyer) and the outcome. Money in fen."""

    __tablename__ = "review_detail"
    __table_args__ = (Index("ix_review_detail_store_id_reviewed_at", "store_id", "reviewed_at"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("customer.id"))
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    rating: Mapped[str] = mapped_column(String(10), nullable=False)  # neutral | negative
    content: Mapped[str] = mapped_column(Text, nullable=False)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    sku: Mapped[str | None] = mapped_column(String(64))
    photos: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    # The analysis: why, what the buyer wants, their attitude.
    cause: Mapped[str | None] = mapped_column(String(30))
    need: Mapped[str | None] = mapped_column(Text)
    attitude: Mapped[str | None] = mapped_column(String(20))
    # [{"at", "by", "channel", "message", "offer", "amount_fen", "answer"}]: every contact, in order.
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    offer_fen: Mapped[int | None] = mapped_column(BigInteger)  # money offered in all (compensation, refund)
    outcome: Mapped[str | None] = mapped_column(String(20))  # revised | kept | unreachable | removed_by_platform
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
