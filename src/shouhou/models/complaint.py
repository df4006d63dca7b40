"""投诉 (seed 001 via SPEC §6): who complained and why, the investigation, the proposal and who
answers for it, the customer's agreement, the departments' tasks and the follow-up calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, StoreScoped


class ComplaintDetail(StoreScoped, Base):
    """One per complaint case. A proposal names a finding (founded or not, who answers for it);
    once a supervisor approves a founded one it becomes the finding accountability counts (`found_*`),
    dated by its first approval, and stays when the customer declines the settlement. Money in fen."""

    __tablename__ = "complaint_detail"
    __table_args__ = (Index("ix_complaint_detail_store_id_found_at", "store_id", "found_at"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    about_case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    # The register (投诉登记): who, their company, address and phone, the reason, who recorded it.
    complainant: Mapped[str] = mapped_column(String(100), nullable=False)
    company: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False)
    # The investigation: the problem as restated to the customer, and what they want.
    restatement: Mapped[str | None] = mapped_column(Text)
    wish: Mapped[str | None] = mapped_column(Text)
    # The proposal and its finding.
    substantiated: Mapped[bool | None] = mapped_column(Boolean)
    responsible: Mapped[str | None] = mapped_column(String(20))  # staff | department | supplier | none
    responsible_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    responsible_department: Mapped[str | None] = mapped_column(String(30))
    supplier: Mapped[str | None] = mapped_column(String(200))
    remedy: Mapped[str | None] = mapped_column(String(20))
    proposal: Mapped[str | None] = mapped_column(Text)
    compensation_fen: Mapped[int | None] = mapped_column(BigInteger)
    goods: Mapped[str | None] = mapped_column(String(300))
    gift: Mapped[str | None] = mapped_column(String(300))
    proposed_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    # The customer's agreement (签字确认).
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(100))
    # [{"department", "what", "done_at", "done_by", "note"}]: what other departments carry out.
    tasks: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    # [{"at", "by", "satisfied", "score", "note"}]: every follow-up call, in order.
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    # The approved finding that counts toward accountability (complaints/accountability.py).
    found_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    found_responsible: Mapped[str | None] = mapped_column(String(20))  # staff | department | supplier
    found_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    found_department: Mapped[str | None] = mapped_column(String(30))
    found_supplier: Mapped[str | None] = mapped_column(String(200))
