"""The order document integrations push (names fixed by issue 2)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Fen, FilledIdent, FilledLine, Ident, Instant, Integer, Line, TimeText, YuanText

Channel = Literal["online", "tv", "phone", "mail", "store"]
PaymentMethod = Literal["alipay", "wechat", "bank_card", "credit_card", "cash", "other"]


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    external_id: FilledIdent = Field(min_length=1, max_length=100)
    name: Line = Field(default="", max_length=200)
    phone: Ident = Field(default="", max_length=40)
    email: Ident = Field(default="", max_length=200)
    level: Ident = Field(default="", max_length=40)
    address: Line = Field(default="", max_length=500)


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    method: PaymentMethod
    amount: Fen


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    line_no: Integer = Field(ge=1, le=10_000)
    sku: FilledIdent = Field(min_length=1, max_length=100)
    name: FilledLine = Field(min_length=1, max_length=300)
    category: Ident = Field(default="", max_length=100)
    qty: Integer = Field(ge=1, le=1_000_000)
    unit_price: Fen
    discount: Fen = 0
    bundle: Ident | None = Field(default=None, max_length=100)
    tags: list[FilledIdent] = Field(default_factory=list)
    warranty_months: Integer = Field(default=0, ge=0, le=1200)
    serials: list[FilledIdent] = Field(default_factory=list)
    gifts: list[Any] = Field(default_factory=list)
    supplier: Line = Field(default="", max_length=200)


class BundleIn(BaseModel):
    """A 套餐 sold on the order at `price` (for all its units); its lines name it in `bundle`."""

    model_config = ConfigDict(extra="forbid")
    id: FilledIdent = Field(min_length=1, max_length=100)
    name: Line = Field(default="", max_length=300)
    price: Fen


class ShipmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    carrier: FilledIdent = Field(min_length=1, max_length=50)
    tracking_no: FilledIdent = Field(min_length=1, max_length=100)
    shipped_at: Instant | None = None
    delivered_at: Instant | None = None
    signed_at: Instant | None = None


class OrderIn(BaseModel):
    # Fields beyond the fixed ones are kept in `extra` and shown back.
    model_config = ConfigDict(extra="allow", strict=True)

    order_no: FilledIdent = Field(min_length=1, max_length=64)
    store: FilledIdent = Field(min_length=1, max_length=32)
    customer: CustomerIn
    channel: Channel
    placed_at: Instant
    paid_at: Instant | None = None
    payment: PaymentIn
    shipping_fee: Fen = 0
    free_shipping: bool = False
    discount: Fen = 0
    coupon: Fen = 0
    red_packet: Fen = 0
    points: Fen = 0
    lines: list[LineIn] = Field(min_length=1, max_length=1000)
    bundles: list[BundleIn] = Field(default_factory=list, max_length=200)
    shipments: list[ShipmentIn] = Field(default_factory=list)
    invoice_at: Instant | None = None
    completed_at: Instant | None = None


# What the order endpoints answer (documentation of orders/service.py's `document`).


class CustomerOut(BaseModel):
    external_id: str
    name: str
    phone: str
    email: str
    level: str
    address: str


class PaymentOut(BaseModel):
    method: str
    amount: YuanText


class OrderLineOut(BaseModel):
    line_no: int
    sku: str
    name: str
    category: str
    qty: int
    unit_price: YuanText
    discount: YuanText
    bundle: str | None
    tags: list[str]
    warranty_months: int
    serials: list[str]
    gifts: list[Any]
    order_discount: YuanText = Field(description="the line's share of the order's discount")
    voucher: YuanText = Field(description="the line's share of coupons, red packets and points")
    paid: YuanText = Field(description="cash paid for the line")


class ShipmentOut(BaseModel):
    carrier: str
    tracking_no: str
    shipped_at: TimeText | None
    delivered_at: TimeText | None
    signed_at: TimeText | None


class OrderDocument(BaseModel):
    """The order as pushed, with what the system derived (shares, status)."""

    order_no: str
    store: str
    customer: CustomerOut
    channel: str
    placed_at: TimeText
    paid_at: TimeText | None
    payment: PaymentOut
    shipping_fee: YuanText
    free_shipping: bool
    discount: YuanText
    coupon: YuanText
    red_packet: YuanText
    points: YuanText
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]
    invoice_at: TimeText | None
    completed_at: TimeText | None
    status: Literal["placed", "paid", "shipped", "delivered", "completed"]
    extra: dict[str, Any] | None = Field(default=None, description="fields pushed beyond the fixed ones; absent if none")
