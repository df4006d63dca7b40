"""Repair and installation service (SPEC §5, seed 000's 售后服务管理制度): the case's detail,
its repair card (修护卡) sessions and parts, quote and fee lines, payments, the customer-product
in/out register (客户商品进出登记簿), signatures, technicians, work logs and store settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped

MODES = ("onsite", "carry_in", "mail_in")
KINDS = ("repair", "maintenance", "installation")
SERVICE_TYPES = ("paid", "contract", "warranty")
PAYMENT_METHODS = ("cash", "wechat", "alipay", "bank_card", "transfer")
WORK_LOG_KINDS = ("inspection", "parts_management", "tool_upkeep", "training", "other")  # type D


class RepairDetail(StoreScoped, Base):
    """One per `repair` or `installation` case. Money in fen."""

    __tablename__ = "repair_detail"
    __table_args__ = (Index("ix_repair_detail_technician_window", "technician_id", "window_start"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="repair")
    mode: Mapped[str] = mapped_column(String(10), nullable=False, default="onsite")
    location: Mapped[str] = mapped_column(String(12), nullable=False, default="customer")  # where the unit is
    service_type: Mapped[str] = mapped_column(String(10), nullable=False)
    service_basis: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False, default=list)
    warranty: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    entitlements: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False, default=list)
    unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    serial: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    contract_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("service_contract.id"))
    contact_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    district: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    fault: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fault_code: Mapped[str | None] = mapped_column(String(40))
    preferred_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    preferred_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 派工: who goes, when.
    technician_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    outlet_id: Mapped[int | None] = mapped_column(BigId)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    geo_note: Mapped[str | None] = mapped_column(String(300))
    distance_km: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # 客户商品领取收据: issued when the unit is taken in, voided (收回作废) when it goes back.
    receipt_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    receipt_status: Mapped[str | None] = mapped_column(String(10))  # issued | voided
    receipt_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    condition: Mapped[str | None] = mapped_column(Text)
    accessories: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    photos: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    inbound_carrier: Mapped[str | None] = mapped_column(String(50))
    inbound_tracking_no: Mapped[str | None] = mapped_column(String(100))
    vendor: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)  # rma_no, carrier, tracking_no, sent_at
    parts_waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    parts_wait_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    diagnosis: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(20))  # fixed | not_fixable
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quote_status: Mapped[str | None] = mapped_column(String(10))  # pending | accepted | declined
    quote_from: Mapped[str | None] = mapped_column(String(32))
    quoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    qc_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    qc_by: Mapped[str | None] = mapped_column(String(100))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_method: Mapped[str | None] = mapped_column(String(10))  # in_person | parcel
    return_carrier: Mapped[str | None] = mapped_column(String(50))
    return_tracking_no: Mapped[str | None] = mapped_column(String(100))
    returned_to: Mapped[str | None] = mapped_column(String(100))
    written_off_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    write_off_reason: Mapped[str | None] = mapped_column(Text)
    invoice_no: Mapped[str | None] = mapped_column(String(60))
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 返修: the unit was repaired within the store's re-repair window before this case.
    rework: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    rework_of_case_id: Mapped[int | None] = mapped_column(BigId)
    response_overdue: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    unclaimed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)


class RepairSession(IdPk, StoreScoped, Created, Base):
    """A work session on the repair card (修护卡): who, when, how long, what was found."""

    __tablename__ = "repair_session"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    technician_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    technician: Mapped[str] = mapped_column(String(100), nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    diagnosis: Mapped[str | None] = mapped_column(Text)
    fault_code: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(20))
    onsite: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class RepairPart(IdPk, StoreScoped, Created, Base):
    """A part fitted (配换零件), taken from stock; the faulty part's serial and the new one's."""

    __tablename__ = "repair_part"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    session_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("repair_session.id"))
    part_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("part.id"))
    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    unit_cost_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    old_serial: Mapped[str | None] = mapped_column(String(100))
    new_serial: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(120))
    under_warranty: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class RepairQuoteLine(IdPk, StoreScoped, Base):
    """A line of the quote a paid case needs accepted before any work is booked."""

    __tablename__ = "repair_quote_line"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # labour | call_out | part | extra
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    sku: Mapped[str | None] = mapped_column(String(100))
    qty: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    unit_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)


class RepairFee(IdPk, StoreScoped, Created, Base):
    """What the customer is charged (fee lines); paid and due follow from these and the payments."""

    __tablename__ = "repair_fee"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # labour | call_out | part | inspection | extra
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    source: Mapped[str] = mapped_column(String(12), nullable=False)  # quote | onsite | contract | decline


class RepairPayment(IdPk, StoreScoped, Base):
    __tablename__ = "repair_payment"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    method: Mapped[str] = mapped_column(String(12), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    by: Mapped[str] = mapped_column(String(100), nullable=False)


class WorkshopEntry(IdPk, StoreScoped, Base):
    """A line of the customer-product in/out register (客户商品进出登记簿)."""

    __tablename__ = "workshop_entry"
    __table_args__ = (Index("ix_workshop_entry_store_in", "store_id", "in_at"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"))
    serial: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    receipt_no: Mapped[str | None] = mapped_column(String(40))
    in_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    in_by: Mapped[str] = mapped_column(String(100), nullable=False)
    in_from: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # the customer, or the carrier
    out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    out_by: Mapped[str | None] = mapped_column(String(100))
    out_to: Mapped[str | None] = mapped_column(String(200))  # the customer, or carrier + tracking


class Signature(IdPk, StoreScoped, Base):
    """The customer's signature, drawn on a phone or tablet: a PNG with its SHA-256 and time."""

    __tablename__ = "signature"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)  # onsite | take_in | return | installation
    png: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    signer: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class TechnicianReport(IdPk, StoreScoped, Created, Base):
    """An on-site report sent from a technician's phone, kept so that a second send changes nothing."""

    __tablename__ = "technician_report"
    __table_args__ = (UniqueConstraint("store_id", "report_id"),)

    report_id: Mapped[str] = mapped_column(String(64), nullable=False)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    by: Mapped[str] = mapped_column(String(100), nullable=False)


class RepairSettings(IdPk, StoreScoped, Base):
    """A store's price list and the repair department's own deadlines."""

    __tablename__ = "repair_settings"
    __table_args__ = (UniqueConstraint("store_id"),)

    hourly_rate_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    call_out_fee_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    inspection_fee_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)  # day counts
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FaultCode(IdPk, StoreScoped, Base):
    """The store's fault-code catalogue (故障代码); `serious`: a performance failure (性能故障)."""

    __tablename__ = "fault_code"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    code: Mapped[str] = mapped_column(String(40), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    label_en: Mapped[str] = mapped_column(String(100), nullable=False)
    category: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    serious: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    vehicle_fault: Mapped[str | None] = mapped_column(String(40))


class Technician(IdPk, StoreScoped, Base):
    """A technician's skills (product categories), service area (districts) and working hours."""

    __tablename__ = "technician"
    __table_args__ = (UniqueConstraint("store_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True, nullable=False)
    skills: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    areas: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    hours: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    outlet_id: Mapped[int | None] = mapped_column(BigId)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkLog(IdPk, StoreScoped, Created, Base):
    """Type D work (一般行政工作): inspections, parts management, tool upkeep, training."""

    __tablename__ = "work_log"
    __table_args__ = (Index("ix_work_log_user_at", "user_id", "at"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
