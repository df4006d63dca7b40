"""The stub type's one detail table."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.models._mixins import BigId, StoreScoped


class StubDetail(StoreScoped, Base):
    __tablename__ = "stub_detail"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(100), nullable=False)
    verdict: Mapped[str | None] = mapped_column(String(200))
