"""What the policy endpoints answer (documentation of the documents they build)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import TimeText, YuanText

Party = Literal["buyer", "merchant"]


class PolicyValues(BaseModel):
    """A store's after-sales policy (shouhou.policy.StorePolicy), money in yuan."""

    no_reason_return_days: int
    exchange_days: int
    quality_return_days: int
    quality_exchange_days: int
    review_timeout_hours: int
    buyer_ship_days: int
    receipt_confirm_days: int
    exchange_confirm_days: int
    receipt_extension_days: int
    buyer_modify_days: int
    refund_due_days: int
    free_return_shipping: bool
    refund_timing: str
    fast_refund_max: YuanText = Field(description="极速退款 limit; 0.00 = off")
    fast_refund_levels: list[str]
    refund_coupons_as_cash: bool
    in_store_return_days: int
    category_overrides: dict[str, dict[str, Any]] = Field(description="per product category, fields that differ")


class FloorOut(BaseModel):
    op: Literal["at_least", "at_most"]
    bound: int
    rule: str
    text: str


class PolicyDocument(BaseModel):
    store: str
    version: int = Field(description="0: never saved (the defaults)")
    effective_from: TimeText | None
    policy: PolicyValues
    statutory_floor: dict[str, FloorOut] = Field(description="per policy field, the bound the law sets")


class PolicyVersionOut(BaseModel):
    version: int
    created_at: TimeText
    created_by: str


class PolicyVersions(BaseModel):
    items: list[PolicyVersionOut]


class ShippingOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    outbound: Party
    return_: Party = Field(alias="return")


class DeductionOut(BaseModel):
    kind: str
    amount: YuanText | None = Field(description="null: cannot be computed from the facts")
    text: str
    rule: str


class BasisOut(BaseModel):
    rule: str
    text: str


class RemedyOut(BaseModel):
    type: str
    allowed: bool
    until: TimeText | None = Field(description="end of the window; null: no time limit applies")
    shipping: ShippingOut
    deductions: list[DeductionOut]
    refund_due_within_days: int | None
    basis: list[BasisOut]
    message: str
    refusal_code: Literal["window_expired", "not_eligible"] | None
    needs_review: bool


class NoteOut(BaseModel):
    code: str
    text: str


class EligibilityDocument(BaseModel):
    order_no: str
    line_no: int
    as_of: TimeText
    remedies: list[RemedyOut]
    notes: list[NoteOut]


class CalendarDayOut(BaseModel):
    day: date
    workday: bool
    note: str


class CalendarDocument(BaseModel):
    year: int
    built_in: bool = Field(description="the package knows the year's official holidays")
    covered: bool = Field(description="built in, or entered by admins")
    days: list[CalendarDayOut]
