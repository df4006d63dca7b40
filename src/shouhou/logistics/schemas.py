"""Payloads of logistics cases (物流异常), a case's part of the case document and list row, and the
damage register (破损登记簿)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import (
    Day,
    DayText,
    Fen,
    FilledIdent,
    FilledLine,
    FilledText,
    Ident,
    Instant,
    Link,
    Text,
    TimeText,
    YuanText,
)

# What the buyer or the desk noticed first.
Problem = Literal["not_moving", "delayed", "address_change", "damaged", "lost", "signed_not_received", "other"]
Condition = Literal["damaged", "lost"]  # what the report says of the parcel
Outcome = Literal["delivered", "address_changed", "returned", "reshipped", "refunded", "compensated"]
Answer = Literal["pending", "paid", "declined"]  # the carrier's answer to a report
Channel = Literal["hotline", "chat", "wechat", "email", "counter", "portal", "api"]
Priority = Literal["low", "normal", "high", "urgent"]
Evidence = Literal["transaction", "waybill", "sender_id", "damage_photos"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LogisticsIn(Strict):
    type: Literal["logistics"] = "logistics"
    store: Ident | None = Field(default=None, description="store code; taken from the order when given")
    order_no: Ident | None = Field(default=None, max_length=64)
    customer: Ident | None = Field(default=None, description="the customer's external id")
    carrier: Ident | None = Field(default=None, max_length=50, description="the order's shipment's when omitted")
    tracking_no: Ident | None = Field(default=None, max_length=100,
                                      description="the order's latest shipment's when omitted")
    problem: Problem
    description: FilledText = Field(min_length=1, max_length=5000, description="what happened")
    skus: list[FilledIdent] = Field(default_factory=list, max_length=50,
                                    description="the items (款号) in the parcel; every SKU of the order when omitted")
    photos: list[Link] = Field(default_factory=list, max_length=20)
    channel: Channel | None = None
    priority: Priority = "normal"


class QueryIn(Strict):
    agent_id: FilledIdent = Field(max_length=40, description="the carrier's service agent's id (客服工号)")
    query_result: FilledText = Field(min_length=1, max_length=2000, description="what the carrier said")
    message: Text | None = Field(default=None, max_length=5000,
                                 description="what is told to the customer (answers them, for the service level)")
    queried_at: Instant | None = Field(default=None, description="when the carrier was called; now when omitted")


class _ReportIn(Strict):
    agent_id: FilledIdent | None = Field(default=None, max_length=40,
                                         description="the carrier's agent who confirmed it; the last query's when omitted")
    shipped_on: Day | None = Field(default=None, description="the shipment's day when omitted")
    delivery_area: FilledLine = Field(max_length=200, description="派件地区")
    delivery_result: FilledLine = Field(max_length=500, description="派件结果, as the carrier states it")
    goods_value: Fen | None = Field(default=None, description="the items' paid amount when omitted")
    transaction_copy: list[Link] = Field(default_factory=list, max_length=10, description="交易详情")
    waybill_copy: list[Link] = Field(default_factory=list, max_length=10, description="快递底单")
    sender_id_copy: list[Link] = Field(default_factory=list, max_length=10, description="寄件人身份证")
    note: Text | None = Field(default=None, max_length=5000)


class DamageReportIn(_ReportIn):
    damage_photos: list[Link] = Field(default_factory=list, max_length=20, description="破损照片")


class LossReportIn(_ReportIn):
    pass


class CompensationIn(Strict):
    amount: Fen = Field(description="what the carrier paid")
    claim_no: Ident | None = Field(default=None, max_length=64, description="the carrier's claim reference")
    note: Text | None = Field(default=None, max_length=2000)


class RefusalIn(Strict):
    reason: FilledText = Field(min_length=1, max_length=2000)


class ResolveIn(Strict):
    outcome: Outcome
    message: FilledText = Field(min_length=1, max_length=5000, description="the outcome, as told to the customer")
    carrier: Ident | None = Field(default=None, max_length=50, description="reshipped: the new parcel's carrier")
    tracking_no: Ident | None = Field(default=None, max_length=100,
                                      description="reshipped: the new parcel's tracking number")
    case_no: Ident | None = Field(default=None, max_length=32,
                                  description="refunded: the refund or return case of the order")


class MessageIn(Strict):
    message: FilledText = Field(min_length=1, max_length=20000)


class NoteIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)


class OptionalNoteIn(Strict):
    note: Text | None = Field(default=None, max_length=5000)


# -- a logistics case's part of the case document and list row (service.describe / summarize) ----


class LogisticsSummary(BaseModel):
    carrier: str
    tracking_no: str
    problem: Problem
    condition: Condition | None = Field(description="damaged or lost, once reported")
    compensation: YuanText | None = Field(description="what the carrier paid; null for the buyer")


class QueryOut(BaseModel):
    at: TimeText
    agent_id: str
    query_result: str
    message: str | None
    by: str | None = Field(description="null for the buyer")


class ReportOut(BaseModel):
    """The buyer reads that a report was made, and when; the rest is null for them."""

    condition: Condition
    reported_at: TimeText
    reported_by: str | None
    agent_id: str | None
    shipped_on: DayText | None
    delivery_area: str | None
    delivery_result: str | None
    goods_value: YuanText | None
    evidence: dict[Evidence, list[str]] | None
    note: str | None


class ClaimOut(BaseModel):
    """The carrier's answer to the report (staff only)."""

    answer: Answer
    compensation: YuanText | None
    claim_no: str | None
    answered_at: TimeText | None
    answered_by: str | None
    note: str | None


class LogisticsCaseDetail(BaseModel):
    """What a logistics case adds to the case document."""

    carrier: str
    tracking_no: str
    shipped_at: TimeText | None
    problem: Problem
    skus: list[str]
    recorded_by: str | None = Field(description="null for the buyer")
    queries: list[QueryOut]
    report: ReportOut | None
    claim: ClaimOut | None = Field(description="null for the buyer")
    outcome: Outcome | None
    resolution: str | None
    resolved_at: TimeText | None
    reship_carrier: str | None
    reship_tracking_no: str | None


# -- the damage register (service.register) --------------------------------------------------


class RegisterEntry(BaseModel):
    reported_on: DayText = Field(description="the report's day in the store's zone")
    reported_at: TimeText
    case: str
    order_no: str | None
    carrier: str
    tracking_no: str
    condition: Condition
    carrier_agent: str | None = Field(description="the carrier's agent id the report names")
    goods_value: YuanText | None
    skus: list[str]
    handled_by: str | None = Field(description="who made the report")
    answer: Answer
    compensation: YuanText | None
    status: str


class RegisterTotals(BaseModel):
    reports: int
    damaged: int
    lost: int
    goods_value: YuanText
    compensation: YuanText = Field(description="paid by the carriers, of the month's reports")
    pending: int = Field(description="reports the carrier has not answered")


class RegisterOut(BaseModel):
    """破损登记簿: the damage and loss reports made in a month (the store's), oldest first."""

    store: str
    month: str
    items: list[RegisterEntry]
    totals: RegisterTotals
