from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.models._mixins import Created, IdPk, StoreScoped


class Customer(IdPk, StoreScoped, Created, Base):
    """A buyer (买家/客户) as the store knows them; `external_id` is the shop's account id."""

    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("store_id", "external_id"),)

    external_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)  # case list filter
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    level: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
