"""维权 after 交易成功 (seed 000): a buyer's dispute, decided by the platform (issue 22, item 10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, StoreScoped


class DisputeDetail(StoreScoped, Base):
    """One per dispute case: what the buyer claims, within which window and why, the evidence
    both sides gave, and the platform's decision. Money in fen."""

    __tablename__ = "dispute_detail"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    about_case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), index=True)  # a closed case
    remedy: Mapped[str] = mapped_column(String(20), nullable=False)  # refund | return | exchange | repair | other
    requested_fen: Mapped[int | None] = mapped_column(BigInteger)
    window_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rule the window rests on: {"rule", "zh", "en"}
    basis: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    # [{"side": buyer|merchant, "by", "at", "note", "photos"}], in order
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    decision: Mapped[str | None] = mapped_column(String(10))  # buyer | merchant | partial
    award_fen: Mapped[int | None] = mapped_column(BigInteger)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
