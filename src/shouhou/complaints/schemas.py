"""Payloads of complaints (投诉), and a complaint's part of the case document and list row."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import (
    Fen,
    FilledText,
    Ident,
    Integer,
    Line,
    Link,
    Text,
    TimeText,
    YuanText,
)

Category = Literal["product_quality", "service_attitude", "delivery", "repair_service", "price", "false_advertising",
                   "other"]
Responsible = Literal["staff", "department", "supplier", "none"]
Department = Literal["service", "sales", "warehouse", "logistics", "marketing", "finance", "production", "repair"]
Remedy = Literal["apology", "compensation", "refund", "exchange", "repair", "gift", "coupon", "other"]
Task = Literal["finance", "warehouse", "marketing"]
Channel = Literal["hotline", "counter", "letter", "email", "chat", "wechat", "portal", "api"]
Priority = Literal["low", "normal", "high", "urgent"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ComplaintIn(Strict):
    type: Literal["complaint"] = "complaint"
    store: Ident | None = Field(default=None, description="store code; taken from the order when given")
    order_no: Ident | None = Field(default=None, max_length=64)
    customer: Ident | None = Field(default=None, description="the customer's external id")
    case_no: Ident | None = Field(default=None, max_length=32, description="the after-sales case complained about")
    complainant: Line | None = Field(default=None, max_length=100,
                                     description="who complains; the customer's name when omitted")
    company: Line | None = Field(default=None, max_length=200)
    phone: Line | None = Field(default=None, max_length=40, description="the customer's when omitted")
    address: Line | None = Field(default=None, max_length=500, description="the customer's when omitted")
    category: Category
    reason: FilledText = Field(min_length=1, max_length=5000, description="what the complaint is about")
    photos: list[Link] = Field(default_factory=list, max_length=20)
    channel: Channel | None = None
    priority: Priority = "high"


class InvestigateIn(Strict):
    message: FilledText = Field(min_length=1, max_length=5000,
                                description="the problem as restated to the customer (they read it)")
    wish: FilledText = Field(min_length=1, max_length=2000, description="what the customer wants")


class ProposalIn(Strict):
    substantiated: bool = Field(description="whether the complaint is founded")
    responsible: Responsible = Field(description="who answers for it; none only if it is not founded")
    responsible_staff: Ident | None = Field(default=None, max_length=100, description="a user name, for staff")
    responsible_department: Department | None = None
    supplier: Line | None = Field(default=None, max_length=200)
    remedy: Remedy
    description: FilledText = Field(min_length=1, max_length=5000, description="the settlement, as the customer reads it")
    compensation: Fen | None = Field(default=None, description="money paid to the customer (finance)")
    goods: Line | None = Field(default=None, max_length=300, description="goods shipped to the customer (warehouse)")
    gift: Line | None = Field(default=None, max_length=300, description="a gift sent to the customer (marketing)")


class AgreeIn(Strict):
    signed_by: Line | None = Field(default=None, max_length=100,
                                   description="the name the customer signed; the customer's own when they agree")
    note: Text | None = Field(default=None, max_length=2000)


class DeclineIn(Strict):
    reason: FilledText = Field(min_length=1, max_length=2000)


class TaskDoneIn(Strict):
    note: Text | None = Field(default=None, max_length=2000)


class ShipGoodsIn(Strict):
    carrier: Line | None = Field(default=None, max_length=40)
    tracking_no: Line | None = Field(default=None, max_length=64)
    note: Text | None = Field(default=None, max_length=2000)


class FollowUpIn(Strict):
    satisfied: bool
    score: Integer | None = Field(default=None, ge=1, le=5, description="satisfaction, 1 (very unhappy) to 5")
    message: Text | None = Field(default=None, max_length=5000, description="what was said to the customer")
    note: Text | None = Field(default=None, max_length=5000)


class MessageIn(Strict):
    message: FilledText = Field(min_length=1, max_length=20000)


class NoteIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)


class OptionalNoteIn(Strict):
    note: Text | None = Field(default=None, max_length=5000)


# -- a complaint's part of the case document and list row (service.describe / summarize) --------


class ComplaintSummary(BaseModel):
    category: Category
    substantiated: bool | None
    compensation: YuanText | None


class TaskOut(BaseModel):
    department: Task
    what: str
    carrier: str | None = None
    tracking_no: str | None = None
    done_at: TimeText | None
    done_by: str | None
    note: str | None


class FollowUpOut(BaseModel):
    at: TimeText
    by: str | None = Field(description="null for the buyer")
    satisfied: bool
    score: int | None
    message: str | None = Field(default=None, description="what was said to the customer")
    note: str | None = Field(description="the team's note; null for the buyer")


class ProposalOut(BaseModel):
    """The buyer reads it once approved, without the finding (substantiated, responsible, names: null)."""

    substantiated: bool | None
    responsible: Responsible | None
    responsible_staff: str | None
    responsible_department: Department | None
    supplier: str | None
    remedy: Remedy
    description: str
    compensation: YuanText | None
    goods: str | None
    gift: str | None
    proposed_by: str | None
    approved_at: TimeText | None
    approved_by: str | None


class ComplaintCaseDetail(BaseModel):
    """What a complaint adds to the case document."""

    about_case: str | None
    complainant: str
    company: str | None
    phone: str | None
    address: str | None
    category: Category
    recorded_by: str | None = Field(description="null for the buyer")
    restatement: str | None
    wish: str | None
    proposal: ProposalOut | None
    agreed_at: TimeText | None
    signed_by: str | None
    tasks: list[TaskOut]
    follow_ups: list[FollowUpOut]
    satisfied: bool | None


# -- the accountability report (service.accountability_report) -------------------------------

StaffFlag = Literal["warning", "penalty", "dismissal"]
SupplierFlag = Literal["verbal_warning", "written_notice", "removal", "fund_deduction", "award"]


class StaffCount(BaseModel):
    user: str
    in_month: int = Field(description="founded complaints approved in the month")
    total: int = Field(description="all founded complaints up to the month's end")
    flag: StaffFlag | None = Field(description="what the n-th calls for: 1st warning, 2nd penalty, 3rd dismissal")


class DepartmentCount(BaseModel):
    department: Department
    in_month: int
    total: int


class SupplierCount(BaseModel):
    supplier: str
    in_month: int
    previous_month: int
    last_12_months: int
    total: int
    flags: list[SupplierFlag]


class AccountabilityOut(BaseModel):
    """Founded complaints per responsible party; the system counts and flags, people decide."""

    store: str
    month: str
    staff: list[StaffCount]
    departments: list[DepartmentCount]
    suppliers: list[SupplierCount]


class CategoryCount(BaseModel):
    category: Category
    count: int


class MonthlyAnalysisOut(BaseModel):
    """The month's complaints in figures (in the store's zone)."""

    store: str
    month: str
    registered: int = Field(description="complaints opened in the month")
    by_category: list[CategoryCount]
    founded: int = Field(description="findings of founded complaints first approved in the month")
    agreed: int = Field(description="settlements the customers agreed to in the month")
    compensation: YuanText = Field(description="the compensation of those settlements")
    closed: int = Field(description="closed in the month, the customer satisfied")
    withdrawn: int
    open_at_end: int = Field(description="still open at the month's end")
    average_hours_to_close: float | None = Field(description="from registration to closing, of those closed")
    follow_ups: int = Field(description="follow-up calls made in the month")
    satisfied: int = Field(description="of which the customer was satisfied")
    average_score: float | None = Field(description="satisfaction 1–5, of the calls that asked")
