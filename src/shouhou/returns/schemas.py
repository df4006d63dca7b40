"""Payloads of the refund / return / exchange actions (names fixed by issue 4)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from shouhou.cases.schemas import CaseSummary
from shouhou.fields import (
    Fen,
    FilledIdent,
    FilledLine,
    FilledText,
    Ident,
    Instant,
    Integer,
    Link,
    Text,
    TimeText,
    YuanText,
    whole,
)
from shouhou.money import parse_yuan

ReturnType = Literal["refund_only", "return_refund", "exchange"]


def _signed(value: object) -> int:
    if not isinstance(value, str):
        raise ValueError('money must be a decimal string in yuan, e.g. "-10.00"')
    return parse_yuan(str(value), allow_negative=True)


SignedFen = Annotated[int, BeforeValidator(_signed), WithJsonSchema({
    "type": "string", "format": "yuan", "pattern": r"^-?\d{1,13}(\.\d{1,2})?$", "examples": ["-10.00"]})]


# Action fields that only some types have: the console never shows them to the others, and the
# engine refuses them there rather than ignore them (a price difference on a return changes nothing).
ONLY_FOR = {
    "apply.exchange_sku": ("exchange",),
    "approve.price_difference": ("exchange",),
    "approve.refund_amount": ("refund_only", "return_refund"),
    "approve.adjustment_reason": ("refund_only", "return_refund"),
    "approve.refund_shipping": ("refund_only", "return_refund"),
    "approve.refund_vouchers": ("refund_only", "return_refund"),
    "approve.return_address": ("return_refund", "exchange"),
    "arbitrate.refund_amount": ("refund_only", "return_refund"),
    "modify.exchange_sku": ("exchange",),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LineQty(Strict):
    line_no: Integer = Field(ge=1, le=10_000)
    qty: Integer = Field(ge=1, le=1_000_000)


class ApplyIn(Strict):
    type: ReturnType
    order_no: FilledIdent = Field(min_length=1, max_length=64)
    store: Ident | None = Field(default=None, description="only needed when the order number is in several stores")
    lines: list[LineQty] = Field(min_length=1, max_length=200)
    reason: FilledIdent = Field(min_length=1, max_length=40)
    description: Text = Field(default="", max_length=5000)
    photos: list[Link] = Field(default_factory=list, max_length=20)
    goods_intact: bool = Field(default=True, description="完好：opening the box to inspect still counts as intact")
    unsealed: bool = Field(default=False, description="digital media opened or downloaded")
    received: bool | None = Field(default=None, description="False: the parcel never arrived (lost, refused)")
    refused_delivery: bool = False
    urgent: bool = Field(default=False, description="先发后退：ship the replacement once the return is on its way")
    exchange_sku: Ident | None = Field(default=None, max_length=100, description="another size/colour")
    channel: Literal["portal", "api", "hotline", "chat", "email"] | None = None


class ModifyIn(Strict):
    lines: list[LineQty] | None = Field(default=None, min_length=1, max_length=200)
    reason: FilledIdent | None = Field(default=None, min_length=1, max_length=40)
    description: Text | None = Field(default=None, max_length=5000)
    photos: list[Link] | None = Field(default=None, max_length=20)
    exchange_sku: Ident | None = Field(default=None, max_length=100)


class Address(Strict):
    contact: FilledLine = Field(min_length=1, max_length=100)
    phone: FilledIdent = Field(min_length=1, max_length=40)
    address: FilledLine = Field(min_length=1, max_length=500)


class ApproveIn(Strict):
    refund_amount: Fen | None = Field(default=None, description="lower than computed, with adjustment_reason")
    adjustment_reason: Text | None = Field(default=None, max_length=1000)
    refund_shipping: bool | None = None
    refund_vouchers: bool | None = Field(default=None, description="pay coupons/red packets/points as cash")
    return_address: Address | None = None
    price_difference: SignedFen | None = Field(default=None, description="exchange: + buyer pays, − merchant refunds")


class RejectIn(Strict):
    reason: FilledText = Field(min_length=1, max_length=2000)


class ShipIn(Strict):
    carrier: FilledIdent = Field(min_length=1, max_length=50)
    tracking_no: FilledIdent = Field(min_length=1, max_length=100)


class Replacement(Strict):
    serial: FilledIdent = Field(min_length=1, max_length=100, description="the returned unit's serial number")
    new_serial: FilledIdent = Field(min_length=1, max_length=100, description="the serial number of the unit sent instead")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """The console's one line per unit: the returned serial number, then the new one."""
        if isinstance(value, str):
            parts = value.replace("→", " ").replace(",", " ").split()
            return {"serial": parts[0], "new_serial": parts[1]} if len(parts) == 2 else {"serial": value}
        return value


class ReshipIn(ShipIn):
    replacements: list[Replacement] = Field(
        default_factory=list, max_length=50,
        description="registered units (客户资料袋) this exchange replaces: each new unit takes the old one's "
                    "place, its 三包 periods starting again on the day the buyer confirms receipt "
                    "(`confirm_receipt`, or its timeout)")


class ShipReturnIn(ShipIn):
    postage: Fen | None = Field(default=None, description="what the buyer paid the carrier; reimbursed when "
                                                           "the merchant bears the return leg, up to the store's cap")
    postage_receipt: Link | None = Field(default=None, description="a photo of the postage receipt")


class AdjustPostageIn(Strict):
    amount: Fen = Field(description="the return postage to reimburse, lower than claimed")
    reason: FilledText = Field(min_length=1, max_length=1000, description="shown to the buyer")


class ReceiveIn(Strict):
    result: Literal["accepted", "refused"]
    note: Text | None = Field(default=None, max_length=2000)
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
    carrier: FilledIdent = Field(min_length=1, max_length=50)
    booking_ref: Ident | None = Field(default=None, max_length=100)
    tracking_no: Ident | None = Field(default=None, max_length=100, description="when the carrier gives it at booking")


class NoteIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)


class MessageIn(Strict):
    """A message in the buyer–merchant thread, with photos if any."""

    message: FilledText = Field(min_length=1, max_length=5000)
    photos: list[Link] = Field(default_factory=list, max_length=9)


class OptionalNoteIn(Strict):
    note: Text | None = Field(default=None, max_length=5000)


class EscalateIn(Strict):
    reason: FilledText = Field(min_length=1, max_length=2000)


class ArbitrateIn(Strict):
    decision: Literal["buyer", "merchant", "partial"]
    refund_amount: Fen | None = Field(default=None, description="required for partial")
    note: Text | None = Field(default=None, max_length=5000)


RECEIPT_EXTENSION_MAX_DAYS = 30  # in all, per case: a hold, not a way to keep the order open


class ExtendReceiptIn(Strict):
    # None: the store policy's receipt_extension_days
    days: Annotated[int, Ge(1), Le(RECEIPT_EXTENSION_MAX_DAYS), BeforeValidator(whole)] | None = None
    note: Text | None = Field(default=None, max_length=2000)


class SettleIn(Strict):
    amount: Fen
    channel: Ident = Field(default="alipay", max_length=20)
    reference: Ident | None = Field(default=None, max_length=100)


class RefundResultIn(Strict):
    gateway_ref: Ident | None = Field(default=None, max_length=100)
    failure: Text | None = Field(default=None, max_length=1000)


class InsurancePaidIn(Strict):
    amount: Fen


# What the return endpoints answer, and each return case's part of the case document
# (documentation of service.describe / summarize and the endpoints' documents).


class ProductOut(BaseModel):
    sku: str
    name: str
    qty: int


class ReturnCaseSummary(BaseModel):
    """What a refund, return or exchange adds to a case list row."""

    refund_amount: YuanText | None = Field(description="null for an exchange")
    refunded_amount: YuanText
    reason: str
    applied_at: TimeText
    reviewed_at: TimeText | None
    products: list[ProductOut] = Field(description="the case's items: name, SKU, quantity")


class CaseLineOut(BaseModel):
    line_no: int
    sku: str
    name: str
    unit_price: YuanText
    qty: int
    amount: YuanText
    voucher: YuanText


class AmountsOut(BaseModel):
    goods: YuanText
    vouchers: YuanText
    shipping: YuanText
    refund_vouchers: bool
    refund_shipping: bool
    coupon_as_cash: YuanText = Field(description="coupons a reviewer allowed to be paid as cash")
    return_postage: YuanText = Field(description="the buyer's return postage reimbursed")


class BreakdownLine(BaseModel):
    kind: str = Field(examples=["goods", "outbound_shipping"])
    amount: YuanText = Field(description="deductions are negative")
    rule: str
    note: str = Field(description="in the caller's language")


class PostageOut(BaseModel):
    claimed: YuanText
    receipt: str | None = Field(description="a photo of the postage receipt")
    reimbursed: YuanText
    cap: YuanText
    rule: str | None
    note: str | None


class PickupAddressOut(BaseModel):
    contact: str
    phone: str
    address: str


class PickupOut(BaseModel):
    """上门取件: the window, the address, and how far the booking went."""

    window_start: TimeText
    window_end: TimeText
    address: PickupAddressOut
    adapter: str
    status: Literal["requested", "booked", "picked_up", "cancelled"]
    booking_ref: str | None
    carrier: str | None
    tracking_no: str | None
    requested_at: TimeText
    booked_at: TimeText | None
    picked_up_at: TimeText | None


class AdjustmentOut(BaseModel):
    amount: YuanText = Field(description="how much less than computed is refunded")
    reason: str | None


class RefundOut(BaseModel):
    id: int
    kind: str
    channel: str
    amount: YuanText
    status: Literal["pending", "succeeded", "failed"]
    requested_at: TimeText
    time: TimeText | None = Field(description="when it succeeded")
    expected_arrival: TimeText | None
    arrival_days: str = Field(examples=["1-3"])
    gateway: str
    gateway_ref: str | None
    failure: str | None


class ParcelOut(BaseModel):
    carrier: str
    tracking_no: str
    payer: str
    shipped_at: TimeText
    received_at: TimeText | None


class ReturnAddressOut(BaseModel):
    contact: str | None
    phone: str | None
    address: str


class ShippingResponsibility(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    return_: str = Field(alias="return", description="who pays the return parcel: buyer | merchant")
    outbound: str


class ReceiptExtensionRequest(BaseModel):
    days: int
    at: TimeText
    by: str
    note: str | None


class ReceiptExtensionOut(BaseModel):
    days: int = Field(description="in all")
    requests: list[ReceiptExtensionRequest]


class InsuranceOut(BaseModel):
    status: Literal["pending", "paid"]
    due_at: TimeText | None
    paid: YuanText | None


class ReturnCaseDetail(ReturnCaseSummary):
    """What a refund, return or exchange adds to the case document."""

    refund_amount: YuanText = Field(description="0.00 for an exchange")
    lines: list[CaseLineOut]
    reason_label: str
    quality_problem: bool
    photos: list[str]
    computed_amount: YuanText
    refund_breakdown: list[BreakdownLine] = Field(description="how the refund adds up, rule by rule")
    amounts: AmountsOut
    adjustment: AdjustmentOut | None
    return_postage: PostageOut | None
    refunds: list[RefundOut]
    return_shipment: ParcelOut | None
    pickup: PickupOut | None
    reship_shipment: ParcelOut | None
    return_address: ReturnAddressOut | None
    shipping_responsibility: ShippingResponsibility
    reject_reason: str | None
    reviewed_by: str | None = Field(description="null for the buyer")
    received_at: TimeText | None
    receive_result: str | None
    urgent: bool
    exchange_sku: str | None
    exchange_name: str | None = Field(default=None, description="the replacement's product name, from the catalogue")
    price_difference: YuanText | None = Field(description="exchange only")
    exchange_postage: YuanText | None = Field(description="exchange only")
    price_difference_settled: bool | None
    receipt_extension: ReceiptExtensionOut | None
    arbitration: dict[str, Any] | None
    refund_case: str | None = Field(description="an exchange: the refund it was turned into")
    instead_of: str | None = Field(description="a refund: the exchange it replaces")
    receipt_overdue_at: TimeText | None = Field(description="refunded or reshipped without the goods received")
    reship_overdue_at: TimeText | None
    shipping_insurance: InsuranceOut | None
    eligibility: dict[str, Any]
    policy_version_id: int | None


class ReasonOut(BaseModel):
    code: str
    label: str = Field(description="in the caller's language")
    label_zh: str
    label_en: str
    case_types: list[str] = Field(description="empty: every return type")
    ground: str
    quality: bool
    visible: bool
    position: int


class ReasonList(BaseModel):
    store: str
    items: list[ReasonOut]


class ReasonItems(BaseModel):
    items: list[ReasonOut]


class ClaimOut(InsuranceOut):
    overdue: bool = Field(description="the insurer's 72 h have passed unpaid")


class ClaimRow(CaseSummary):
    """A case list row with its shipping-insurance claim."""

    shipping_insurance: ClaimOut


class ClaimRows(BaseModel):
    items: list[ClaimRow]


class BatchResult(BaseModel):
    no: str
    ok: bool
    status: str | None = Field(default=None, description="when ok")
    version: int | None = Field(default=None, description="when ok")
    code: str | None = Field(default=None, description="when not ok: the error code")
    message: str | None = Field(default=None, description="when not ok")


class BatchResults(BaseModel):
    results: list[BatchResult]


class StockMovementOut(BaseModel):
    id: int
    store: str
    case_no: str
    kind: Literal["return_in", "exchange_in", "aftersales_out"]
    kind_label: str
    sku: str
    qty: int
    at: TimeText
    operator: str
    note: str | None


class StockMovements(BaseModel):
    items: list[StockMovementOut]


class LineAfterSales(BaseModel):
    line_no: int
    qty: int
    held_qty: int = Field(description="units in live after-sales cases")
    available_qty: int
    refund_qty: int
    refund_amount: YuanText
    paid: YuanText


class OrderAfterSales(BaseModel):
    order_no: str
    lines: list[LineAfterSales]


class UnreceivedRow(CaseSummary):
    """A case list row on the warehouse's exceptions list."""

    receipt_overdue_at: TimeText | None
    return_tracking_no: str | None


class UnreceivedRows(BaseModel):
    items: list[UnreceivedRow]


class PickupRow(CaseSummary):
    """A case list row with its courier pickup."""

    pickup: PickupOut | None


class PickupRows(BaseModel):
    items: list[PickupRow]
