"""Authorised service outlets (服务网点): organisations with their own technicians, area and fee
schedule, settled monthly per completed job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped


class Outlet(IdPk, StoreScoped, Created, Base):
    __tablename__ = "outlet"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    areas: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    # The fee schedule: a fee per job type (repair, maintenance, installation), per km beyond the
    # radius, and parts at cost plus a margin (in basis points: 1000 = 10 %).
    job_fees: Mapped[dict[str, int]] = mapped_column(PortableJSON, nullable=False, default=dict)
    per_km_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    radius_km: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    parts_margin_bp: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    supervisors: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)  # user names
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class OutletStatement(IdPk, StoreScoped, Created, Base):
    """A month's settlement statement, frozen when the maker approves it."""

    __tablename__ = "outlet_statement"
    __table_args__ = (UniqueConstraint("outlet_id", "month"),)

    outlet_id: Mapped[int] = mapped_column(BigId, ForeignKey("outlet.id"), nullable=False)
    month: Mapped[str] = mapped_column(String(7), nullable=False)  # yyyy-mm
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # approved | paid
    total_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    lines: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False, default=list)
    approved_by: Mapped[str] = mapped_column(String(100), nullable=False)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_ref: Mapped[str | None] = mapped_column(String(100))
