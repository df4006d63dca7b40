"""The installed base (客户资料袋): the customer's products, their service history, and the
service contracts (合同服务) that cover them with their preventive-maintenance visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped

UNIT_SOURCES = ("order", "installation", "manual", "exchange")


class Unit(IdPk, StoreScoped, Created, Base):
    """One product with a serial number in a customer's hands.

    Its 三包 periods are not stored: the policy engine computes them from these facts
    (delivered/installed/exchanged times, days in repair) whenever they are asked for.
    """

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("store_id", "serial"),
                      Index("ix_unit_store_customer", "store_id", "customer_id"))

    serial: Mapped[str] = mapped_column(String(100), nullable=False)
    model: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("customer.id"))
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("order_line.id"))
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="manual")
    tags: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)  # policy tags (sanbao, …)
    warranty_months: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="store")
    invoice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A 三包 exchange: this unit is the replacement, its period restarts on this day.
    exchanged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaces_serial: Mapped[str | None] = mapped_column(String(100))
    replaced_by_serial: Mapped[str | None] = mapped_column(String(100))
    # Days spent in repair, excluded from the 三包 period (实施条例 2024 Art. 18).
    repair_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    district: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class UnitService(IdPk, StoreScoped, Base):
    """A line of the unit's service history: a case opened for it, and how it ended."""

    __tablename__ = "unit_service"
    __table_args__ = (UniqueConstraint("unit_id", "case_id"),)

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), nullable=False)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # repair | maintenance | installation
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fault_code: Mapped[str | None] = mapped_column(String(40))
    serious: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    result: Mapped[str | None] = mapped_column(String(20))  # fixed | not_fixable | installed | declined


class ServiceContract(IdPk, StoreScoped, Created, Base):
    """合同服务 (type B): a paid contract covering some of a customer's units for a period."""

    __tablename__ = "service_contract"
    __table_args__ = (UniqueConstraint("store_id", "no"),)

    no: Mapped[str] = mapped_column(String(40), nullable=False)
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customer.id"), index=True, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    fee_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    covers_labour: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    covers_parts: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    covers_call_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    response_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=24)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")  # active | cancelled
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)


class ContractUnit(IdPk, StoreScoped, Base):
    __tablename__ = "contract_unit"
    __table_args__ = (UniqueConstraint("contract_id", "unit_id"),)

    contract_id: Mapped[int] = mapped_column(BigId, ForeignKey("service_contract.id"), nullable=False)
    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True, nullable=False)


class MaintenanceVisit(IdPk, StoreScoped, Base):
    """A preventive-maintenance visit a contract includes; the worker opens its case when due."""

    __tablename__ = "maintenance_visit"
    __table_args__ = (UniqueConstraint("contract_id", "unit_id", "due_on"),
                      Index("ix_maintenance_visit_due", "due_on", "case_id"))

    contract_id: Mapped[int] = mapped_column(BigId, ForeignKey("service_contract.id"), nullable=False)
    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
