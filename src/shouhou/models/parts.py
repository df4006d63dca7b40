"""Spare parts (保证维修零配件的供应): the catalogue, stock per location (the central store and
each technician's van), every movement, parts requests (配件申领), and faulty parts going back to
the maker under warranty (旧件返还)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped

CENTRAL = "central"
MOVEMENT_KINDS = ("receipt", "transfer", "adjustment", "consumption", "reservation", "release")


class Part(IdPk, StoreScoped, Created, Base):
    __tablename__ = "part"
    __table_args__ = (UniqueConstraint("store_id", "sku"),)

    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    cost_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    reorder_point: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    models: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)  # compatible models
    maker: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class PartStock(IdPk, StoreScoped, Base):
    """On hand and reserved at one location. Both only change through conditional updates that
    keep them within bounds, so concurrent consumers can never take the last part twice."""

    __tablename__ = "part_stock"
    __table_args__ = (UniqueConstraint("part_id", "location"),
                      CheckConstraint("qty >= 0", name="qty_not_negative"),
                      CheckConstraint("reserved >= 0 AND reserved <= qty", name="reserved_within_qty"))

    part_id: Mapped[int] = mapped_column(BigId, ForeignKey("part.id"), nullable=False)
    location: Mapped[str] = mapped_column(String(120), nullable=False)  # central | van:<user>
    qty: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reserved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PartMovement(IdPk, StoreScoped, Base):
    """Every movement is a row: part, location, signed qty, case, who, when."""

    __tablename__ = "part_movement"
    __table_args__ = (Index("ix_part_movement_part_at", "part_id", "at"),)

    part_id: Mapped[int] = mapped_column(BigId, ForeignKey("part.id"), nullable=False)
    location: Mapped[str] = mapped_column(String(120), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    by: Mapped[str] = mapped_column(String(100), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)  # what a person typed; the facts below are words on reading
    counterpart: Mapped[str | None] = mapped_column(String(120))  # a transfer's other location
    request_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("part_request.id"))  # the 配件申领 it carried out
    held: Mapped[int | None] = mapped_column(Integer)  # set aside (reservation) or freed (release); qty stays 0


class PartReservation(IdPk, StoreScoped, Base):
    """Parts set aside for a dispatched case at a location, until it consumes or releases them."""

    __tablename__ = "part_reservation"
    __table_args__ = (UniqueConstraint("case_id", "part_id", "location"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    part_id: Mapped[int] = mapped_column(BigId, ForeignKey("part.id"), nullable=False)
    location: Mapped[str] = mapped_column(String(120), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)


class PartRequest(IdPk, StoreScoped, Created, Base):
    """配件申领: a technician asks for parts for their van; a supervisor approves (the transfer)."""

    __tablename__ = "part_request"

    part_id: Mapped[int] = mapped_column(BigId, ForeignKey("part.id"), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    to_location: Mapped[str] = mapped_column(String(120), nullable=False)
    from_location: Mapped[str] = mapped_column(String(120), nullable=False, default=CENTRAL)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    requested_by: Mapped[str] = mapped_column(String(100), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")  # pending|approved|rejected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class OldPart(IdPk, StoreScoped, Created, Base):
    """旧件返还: a faulty part replaced under warranty, in the returns bin until shipped to its maker."""

    __tablename__ = "old_part"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    part_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("part.id"))
    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    old_serial: Mapped[str | None] = mapped_column(String(100))
    maker: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="in_bin")  # in_bin | shipped
    batch_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("old_part_batch.id"))


class OldPartBatch(IdPk, StoreScoped, Created, Base):
    __tablename__ = "old_part_batch"

    maker: Mapped[str] = mapped_column(String(200), nullable=False)
    carrier: Mapped[str] = mapped_column(String(50), nullable=False)
    tracking_no: Mapped[str] = mapped_column(String(100), nullable=False)
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    by: Mapped[str] = mapped_column(String(100), nullable=False)
