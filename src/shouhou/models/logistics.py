"""物流异常 (seed 001 via SPEC §6): a parcel the carrier is asked about, the queries logged with the
carrier's agent id, the damage or loss report with its evidence, the carrier's answer, and the
outcome for the buyer. The reports make the damage register (破损登记簿)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, StoreScoped


class LogisticsDetail(StoreScoped, Base):
    """One per logistics case: one parcel (a reshipment that goes wrong too is a case of its own).
    Money in fen."""

    __tablename__ = "logistics_detail"
    __table_args__ = (Index("ix_logistics_detail_store_id_reported_at", "store_id", "reported_at"),
                      Index("ix_logistics_detail_store_id_tracking_no", "store_id", "tracking_no"))

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    # The parcel: from the order's shipment unless given.
    carrier: Mapped[str] = mapped_column(String(50), nullable=False)
    tracking_no: Mapped[str] = mapped_column(String(100), nullable=False)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problem: Mapped[str] = mapped_column(String(20), nullable=False)
    skus: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)  # 款号 in the parcel
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False)
    # [{"at", "agent_id", "result", "message", "by"}]: every call to the carrier (查件), in order.
    queries: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    # The report to the carrier (报损/报失): damaged | lost, and what it states.
    report_kind: Mapped[str | None] = mapped_column(String(10))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by: Mapped[str | None] = mapped_column(String(100))
    carrier_agent_id: Mapped[str | None] = mapped_column(String(40))
    shipped_on: Mapped[date | None] = mapped_column(Date)
    delivery_area: Mapped[str | None] = mapped_column(String(200))
    delivery_result: Mapped[str | None] = mapped_column(String(500))
    goods_value_fen: Mapped[int | None] = mapped_column(BigInteger)
    # {"transaction": [links], "waybill": [...], "sender_id": [...], "damage_photos": [...]}
    evidence: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    report_note: Mapped[str | None] = mapped_column(Text)
    # The carrier's answer to the report: paid (with the amount) or declined.
    carrier_answer: Mapped[str | None] = mapped_column(String(10))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    compensation_fen: Mapped[int | None] = mapped_column(BigInteger)
    claim_no: Mapped[str | None] = mapped_column(String(64))
    answer_note: Mapped[str | None] = mapped_column(Text)
    # The outcome for the buyer.
    outcome: Mapped[str | None] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    reship_carrier: Mapped[str | None] = mapped_column(String(50))
    reship_tracking_no: Mapped[str | None] = mapped_column(String(100))
