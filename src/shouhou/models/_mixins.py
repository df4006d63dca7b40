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
    """Every business row names its store (tenant) so tables can be distributed by store.

    No index of its own: lookups by store use composite indexes or unique keys that lead
    with store_id, and every extra index is paid for on each write.
    """

    @declared_attr
    def store_id(cls) -> Mapped[int]:
        return mapped_column(BigId, ForeignKey("store.id"), nullable=False)


class StoreCopied:
    """The store of an engine-written log row (events, timers, outbox), copied from its case.

    No foreign key to `store`: the case row already guarantees the store, and checking it
    again on every log row makes concurrent writers share-lock the same store row
    (PostgreSQL MultiXacts), which costs the timer sweep about a sixth of its speed.
    """

    @declared_attr
    def store_id(cls) -> Mapped[int]:
        return mapped_column(BigId, nullable=False)


class Created:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
