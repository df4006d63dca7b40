from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import UTCDateTime
from shouhou.models._mixins import BigId, IdPk, StoreScoped

STOCK_KINDS = ("return_in", "exchange_in", "aftersales_out")  # 退货入库 / 换货入库 / 售后出库


class StockMovement(IdPk, StoreScoped, Base):
    __tablename__ = "stock_movement"
    __table_args__ = (Index("ix_stock_movement_store_at", "store_id", "at"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    operator: Mapped[str] = mapped_column(String(100), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
