from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from shouhou.db.types import UTCDateTime

# BIGINT ids on PostgreSQL; SQLite needs INTEGER for rowid aliasing.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class IdPk:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


class StoreScoped:
    """Every business row names its store (tenant) so tables can be distributed by store."""

    @declared_attr
    def store_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(BigId, ForeignKey("store.id"), index=True, nullable=False)


class Created:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
