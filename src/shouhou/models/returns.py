"""Refund, return and exchange detail (SPEC §4): lines, money, shipments, refunds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, IdPk, StoreScoped


class ReturnDetail(StoreScoped, Base):
    """One per refund_only / return_refund / exchange case. Money in fen."""

    __tablename__ = "return_detail"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    reason_code: Mapped[str] = mapped_column(String(40), nullable=False)
    ground: Mapped[str] = mapped_column(String(30), nullable=False)  # the policy ground the reason implies
    quality: Mapped[bool] = mapped_column(Boolean, nullable=False)  # merchant-side problem
    photos: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    policy_version_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("store_policy_version.id"))
    eligibility: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    # What the lines are worth, computed by the system; vouchers are not cash unless allowed.
    goods_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    voucher_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    shipping_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    refund_shipping: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    refund_vouchers: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    refund_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # what this case will refund
    refunded_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # paid out so far
    adjustment_reason: Mapped[str | None] = mapped_column(Text)  # shown to the buyer
    reject_reason: Mapped[str | None] = mapped_column(Text)
    return_payer: Mapped[str] = mapped_column(String(10), nullable=False, default="buyer")
    outbound_payer: Mapped[str] = mapped_column(String(10), nullable=False, default="merchant")
    refused_delivery: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    return_contact: Mapped[str | None] = mapped_column(String(100))
    return_phone: Mapped[str | None] = mapped_column(String(40))
    return_address: Mapped[str | None] = mapped_column(String(500))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receive_result: Mapped[str | None] = mapped_column(String(10))
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 先发后退
    exchange_sku: Mapped[str | None] = mapped_column(String(100))
    price_difference_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    price_difference_settled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    escalated_from: Mapped[str | None] = mapped_column(String(32))
    arbitration: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    insurance_status: Mapped[str | None] = mapped_column(String(10))  # 运费险: pending|paid
    insurance_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    insurance_paid_fen: Mapped[int | None] = mapped_column(BigInteger)
    # The refund breakdown's parts (issue 22), besides goods, vouchers and shipping above.
    coupon_cash_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # vouchers paid as cash
    # The case's units' worth in each voucher kind and the 包邮 postage pool
    shares: Mapped[dict[str, int]] = mapped_column(PortableJSON, nullable=False, default=dict)
    return_postage_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # reimbursed
    # The buyer's postage claim: claimed_fen, receipt, cap_fen, rule, note
    postage: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    deductions: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    adjustment_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # lowered by review
    rules: Mapped[dict[str, str]] = mapped_column(PortableJSON, nullable=False, default=dict)
    exchange_postage_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # the buyer owes
    # The merchant did not confirm receipt in time: refunded (or reshipped) without the goods
    receipt_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reship_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the replacement is late


class CaseLine(IdPk, StoreScoped, Base):
    """Units of one order line in a case, with the amount the system computed for them."""

    __tablename__ = "case_line"
    __table_args__ = (UniqueConstraint("case_id", "order_line_id"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    order_line_id: Mapped[int] = mapped_column(BigId, ForeignKey("order_line.id"), index=True, nullable=False)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    voucher_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # What the units are worth in the order's other pools (shipping, each voucher kind, 包邮
    # postage), paid out or not, so that all cases together take each exactly once.
    shares: Mapped[dict[str, int]] = mapped_column(PortableJSON, nullable=False, default=dict)


class Refund(IdPk, StoreScoped, Base):
    """A refund to the original payment channel, through a refund gateway."""

    __tablename__ = "refund"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="refund")  # refund|price_difference
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # pending|succeeded|failed
    gateway: Mapped[str] = mapped_column(String(30), nullable=False)
    gateway_ref: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected_arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure: Mapped[str | None] = mapped_column(Text)


class CaseShipment(IdPk, StoreScoped, Base):
    """The buyer's return parcel or the merchant's replacement parcel."""

    __tablename__ = "case_shipment"
    __table_args__ = (UniqueConstraint("case_id", "direction"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True, nullable=False)
    direction: Mapped[str] = mapped_column(String(10), nullable=False)  # return | reship
    carrier: Mapped[str] = mapped_column(String(50), nullable=False)
    tracking_no: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    payer: Mapped[str] = mapped_column(String(10), nullable=False)
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReturnPickup(IdPk, StoreScoped, Base):
    """上门取件: a courier collects the return from the buyer instead of the buyer shipping it.

    Booked through the store's carrier adapter (returns/pickups.py); the manual adapter puts
    it on the staff's pickup list, who book it with the carrier and record the tracking number.
    """

    __tablename__ = "return_pickup"

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), unique=True, nullable=False)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    contact: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str] = mapped_column(String(40), nullable=False)
    address: Mapped[str] = mapped_column(String(500), nullable=False)
    adapter: Mapped[str] = mapped_column(String(30), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, index=True)  # requested|booked|picked_up|cancelled
    booking_ref: Mapped[str | None] = mapped_column(String(100))
    carrier: Mapped[str | None] = mapped_column(String(50))
    tracking_no: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
