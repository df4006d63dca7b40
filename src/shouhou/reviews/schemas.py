"""Payloads of review handling (中差评), a review's part of the case document, and the register."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Fen, FilledIdent, FilledText, Ident, Instant, Link, Text, TimeText, YuanText

Platform = Literal["taobao", "tmall", "jd", "pdd", "douyin", "own_shop", "other"]
Rating = Literal["neutral", "negative"]
Cause = Literal["quality", "size_fit", "not_as_described", "logistics", "service", "price", "misuse", "other"]
Attitude = Literal["calm", "upset", "hostile"]
ContactChannel = Literal["wangwang", "phone", "sms", "email", "wechat"]
Offer = Literal["none", "return", "exchange", "free_return", "compensation", "vip", "gift", "free_shipping", "coupon"]
Outcome = Literal["revised", "kept", "unreachable", "removed_by_platform"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ReviewIn(Strict):
    type: Literal["review"] = "review"
    order_no: FilledIdent = Field(min_length=1, max_length=64)
    store: Ident | None = Field(default=None, description="only needed when the order number is in several stores")
    platform: Platform = "taobao"
    rating: Rating
    content: FilledText = Field(min_length=1, max_length=5000, description="the review as the platform shows it")
    reviewed_at: Instant = Field(description="when the buyer wrote it")
    sku: Ident | None = Field(default=None, max_length=64, description="the item reviewed")
    photos: list[Link] = Field(default_factory=list, max_length=20)


class AnalyseIn(Strict):
    cause: Cause
    need: FilledText = Field(min_length=1, max_length=2000, description="what the buyer seems to want")
    attitude: Attitude = "calm"


class ContactIn(Strict):
    channel: ContactChannel
    message: FilledText = Field(min_length=1, max_length=5000, description="what was said to the buyer")
    offer: Offer = "none"
    amount: Fen | None = Field(default=None, description="money offered, for compensation")
    answer: Text | None = Field(default=None, max_length=2000, description="what the buyer said")


class OutcomeIn(Strict):
    outcome: Outcome
    note: Text | None = Field(default=None, max_length=2000)


class NoteIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)


# -- a review's part of the case document and list row, and the register --------------------------


class ReviewSummary(BaseModel):
    rating: Rating
    platform: Platform
    outcome: Outcome | None


class ContactOut(BaseModel):
    at: TimeText
    by: str
    channel: ContactChannel
    message: str
    offer: Offer
    amount: YuanText | None
    answer: str | None


class ReviewCaseDetail(BaseModel):
    """What a review adds to the case document."""

    platform: Platform
    rating: Rating
    content: str
    reviewed_at: TimeText
    sku: str | None
    photos: list[str]
    buyer: str | None = Field(description="the customer's account id and name")
    cause: Cause | None
    need: str | None
    attitude: Attitude | None
    contacts: list[ContactOut]
    contacts_left: int = Field(description="contacts still allowed (never pressure the buyer)")
    next_contact_from: TimeText | None = Field(description="no contact before this, a day after the last")
    offered: YuanText | None
    outcome: Outcome | None
    outcome_at: TimeText | None


class RegisterRow(BaseModel):
    case: str
    status: str
    reviewed_at: TimeText
    platform: Platform
    rating: Rating
    order_no: str | None
    sku: str | None
    content: str
    cause: Cause | None
    contacts: int
    offered: YuanText | None
    outcome: Outcome | None


class CauseCount(BaseModel):
    cause: Cause | None
    count: int


class ReviewRegisterOut(BaseModel):
    """The month's neutral and negative reviews (中差评处理表), by when they were written."""

    store: str
    month: str
    neutral: int
    negative: int
    by_cause: list[CauseCount]
    ended: int = Field(description="of the month's reviews, those handled to an outcome")
    revised: int = Field(description="of which the buyer revised the review")
    items: list[RegisterRow]
