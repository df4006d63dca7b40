"""Payloads of the refund / return / exchange actions (names fixed by issue 4)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from shouhou.fields import Fen, Instant, Link
from shouhou.money import parse_yuan

ReturnType = Literal["refund_only", "return_refund", "exchange"]


def _signed(value: object) -> int:
    if isinstance(value, (float, bool)):
        raise ValueError('money must be a decimal string in yuan, e.g. "-10.00"')
    return parse_yuan(str(value), allow_negative=True)


SignedFen = Annotated[int, BeforeValidator(_signed), WithJsonSchema({
    "type": "string", "format": "yuan", "pattern": r"^-?\d{1,13}(\.\d{1,2})?$", "examples": ["-10.00"]})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineQty(Strict):
    line_no: int = Field(ge=1)
    qty: int = Field(ge=1)


class ApplyIn(Strict):
    type: ReturnType
    order_no: str = Field(min_length=1, max_length=64)
    store: str | None = Field(default=None, description="only needed when the order number is in several stores")
    lines: list[LineQty] = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=40)
    description: str = Field(default="", max_length=5000)
    photos: list[Link] = Field(default_factory=list, max_length=20)
    goods_intact: bool = Field(default=True, description="完好: opening the box to inspect still counts as intact")
    unsealed: bool = Field(default=False, description="digital media opened or downloaded")
    received: bool | None = Field(default=None, description="False: the parcel never arrived (lost, refused)")
    refused_delivery: bool = False
    urgent: bool = Field(default=False, description="先发后退: ship the replacement once the return is on its way")
    exchange_sku: str | None = Field(default=None, max_length=100, description="another size/colour")
    channel: Literal["portal", "api", "hotline", "chat", "email"] | None = None


class ModifyIn(Strict):
    lines: list[LineQty] | None = Field(default=None, min_length=1, max_length=200)
    reason: str | None = Field(default=None, min_length=1, max_length=40)
    description: str | None = Field(default=None, max_length=5000)
    photos: list[Link] | None = Field(default=None, max_length=20)
    exchange_sku: str | None = Field(default=None, max_length=100)


class Address(Strict):
    contact: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)
    address: str = Field(min_length=1, max_length=500)


class ApproveIn(Strict):
    refund_amount: Fen | None = Field(default=None, description="lower than computed, with adjustment_reason")
    adjustment_reason: str | None = Field(default=None, max_length=1000)
    refund_shipping: bool | None = None
    refund_vouchers: bool | None = Field(default=None, description="pay coupons/red packets/points as cash")
    return_address: Address | None = None
    price_difference: SignedFen | None = Field(default=None, description="exchange: + buyer pays, − merchant refunds")


class RejectIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class ShipIn(Strict):
    carrier: str = Field(min_length=1, max_length=50)
    tracking_no: str = Field(min_length=1, max_length=100)


class ShipReturnIn(ShipIn):
    postage: Fen | None = Field(default=None, description="what the buyer paid the carrier; reimbursed when "
                                                           "the merchant bears the return leg, up to the store's cap")
    postage_receipt: Link | None = Field(default=None, description="a photo of the postage receipt")


class AdjustPostageIn(Strict):
    amount: Fen = Field(description="the return postage to reimburse, lower than claimed")
    reason: str = Field(min_length=1, max_length=1000, description="shown to the buyer")


class ReceiveIn(Strict):
    result: Literal["accepted", "refused"]
    note: str | None = Field(default=None, max_length=2000)
    photos: list[Link] = Field(default_factory=list, max_length=20)
    package_damaged: bool = False
    inspected_with_courier: bool = Field(default=False, description="验货 in front of the courier")
    invoice_returned: bool | None = Field(default=None, description="False: the order's invoice did not come back")


class PickupIn(Strict):
    """上门取件: when and where the courier collects the return."""

    window_start: Instant
    window_end: Instant
    address: Address


class BookPickupIn(Strict):
    carrier: str = Field(min_length=1, max_length=50)
    booking_ref: str | None = Field(default=None, max_length=100)
    tracking_no: str | None = Field(default=None, max_length=100, description="when the carrier gives it at booking")


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=5000)


class OptionalNoteIn(Strict):
    note: str | None = Field(default=None, max_length=5000)


class EscalateIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class ArbitrateIn(Strict):
    decision: Literal["buyer", "merchant", "partial"]
    refund_amount: Fen | None = Field(default=None, description="required for partial")
    note: str | None = Field(default=None, max_length=5000)


RECEIPT_EXTENSION_MAX_DAYS = 30  # in all, per case: a hold, not a way to keep the order open


class ExtendReceiptIn(Strict):
    days: int | None = Field(default=None, ge=1, le=RECEIPT_EXTENSION_MAX_DAYS)  # the store policy's receipt_extension_days otherwise
    note: str | None = Field(default=None, max_length=2000)


class SettleIn(Strict):
    amount: Fen
    channel: str = Field(default="alipay", max_length=20)
    reference: str | None = Field(default=None, max_length=100)


class RefundResultIn(Strict):
    gateway_ref: str | None = Field(default=None, max_length=100)
    failure: str | None = Field(default=None, max_length=1000)


class InsurancePaidIn(Strict):
    amount: Fen
