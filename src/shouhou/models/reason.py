from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON
from shouhou.models._mixins import IdPk, StoreScoped


class Reason(IdPk, StoreScoped, Base):
    """A store's after-sales reason (SPEC §4.8). A store without rows uses the default catalogue."""

    __tablename__ = "reason"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    code: Mapped[str] = mapped_column(String(40), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    label_en: Mapped[str] = mapped_column(String(100), nullable=False)
    case_types: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    ground: Mapped[str] = mapped_column(String(30), nullable=False)  # none|quality|not_as_described|...
    visible: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
