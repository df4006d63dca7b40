from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON
from shouhou.models._mixins import Created, IdPk, StoreScoped


class Product(IdPk, StoreScoped, Created, Base):
    """A SKU with the category and policy tags the policy engine reads."""

    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("store_id", "sku"),)

    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    category: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    tags: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    warranty_months: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    supplier: Mapped[str] = mapped_column(String(200), nullable=False, default="")
