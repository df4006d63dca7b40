"""Orders: the forward sale that after-sales reverses (SPEC §3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped

CHANNELS = ("online", "tv", "phone", "mail", "store")
PAYMENT_METHODS = ("alipay", "wechat", "bank_card", "credit_card", "cash", "other")


class Order(IdPk, StoreScoped, Created, Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("store_id", "order_no"),)

    order_no: Mapped[str] = mapped_column(String(64), nullable=False, index=True)  # looked up without a store
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customer.id"), index=True, nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 交易成功
    invoice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_method: Mapped[str] = mapped_column(String(20), nullable=False)
    payment_amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    shipping_fee_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    free_shipping: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    discount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # Paid with vouchers rather than cash: not refunded as cash unless policy says so.
    coupon_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    red_packet_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    points_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # Canonical body hash: the same document again is a no-op, another one a conflict.
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # 套餐 sold on the order: [{"id", "name", "price_fen"}]; lines name theirs in `bundle`
    bundles: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)


class OrderLine(IdPk, StoreScoped, Base):
    __tablename__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True, nullable=False)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("product.id"), index=True)
    sku: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    category: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    discount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # Shares of the order-level discount and of vouchers, allocated by largest remainder.
    order_discount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    voucher_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # The line's share of its bundle's discount (components' prices − the bundle's price)
    bundle_discount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)  # cash actually paid for the line
    bundle: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    warranty_months: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    serials: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    gifts: Mapped[list[Any]] = mapped_column(PortableJSON, nullable=False, default=list)


class Shipment(IdPk, StoreScoped, Base):
    __tablename__ = "shipment"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    carrier: Mapped[str] = mapped_column(String(50), nullable=False)
    tracking_no: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
