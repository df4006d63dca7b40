from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped


class StorePolicyVersion(IdPk, StoreScoped, Created, Base):
    """An immutable version of a store's after-sales policy; a case keeps the one it was decided under."""

    __tablename__ = "store_policy_version"
    __table_args__ = (UniqueConstraint("store_id", "version"),)

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))


class CalendarDay(Base):
    """Admin-entered working/rest days (法定节假日, 调休) for years the built-in data lacks or gets wrong.

    National reference data, not a store's business data.
    """

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(String(100), nullable=False, default="")
