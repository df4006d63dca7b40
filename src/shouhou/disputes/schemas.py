"""Payloads of disputes (维权), and a dispute's part of the case document and list row."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Fen, FilledIdent, FilledText, Ident, Link, Text, TimeText, YuanText

Remedy = Literal["refund", "return", "exchange", "repair", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class DisputeIn(Strict):
    type: Literal["dispute"] = "dispute"
    order_no: FilledIdent = Field(min_length=1, max_length=64)
    store: Ident | None = Field(default=None, description="only needed when the order number is in several stores")
    case_no: Ident | None = Field(default=None, max_length=32, description="the closed after-sales case it is about")
    remedy: Remedy = "refund"
    amount: Fen | None = Field(default=None, description="the refund asked for, if any")
    description: FilledText = Field(min_length=1, max_length=5000, description="what went wrong")
    photos: list[Link] = Field(default_factory=list, max_length=20)
    channel: Literal["portal", "api", "hotline", "chat", "email"] | None = None


class EvidenceIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)
    photos: list[Link] = Field(default_factory=list, max_length=20)


class DecideIn(Strict):
    decision: Literal["buyer", "merchant", "partial"]
    refund_amount: Fen | None = Field(default=None, description="required for partial; for buyer, the amount awarded")
    note: FilledText = Field(min_length=1, max_length=5000, description="the reasons, shown to both sides")


class OptionalNoteIn(Strict):
    note: Text | None = Field(default=None, max_length=5000)


class NoteIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)


# A dispute's part of the case document and list row (documentation of service.describe / summarize).


class DisputeSummary(BaseModel):
    """What a dispute adds to a case list row."""

    refund_amount: YuanText | None = Field(description="the amount awarded, once decided")


class WindowOut(BaseModel):
    until: TimeText | None = Field(description="the last moment a dispute could be opened")
    rule: str | None
    text: str = Field(description="in the caller's language")


class EvidenceOut(BaseModel):
    side: Literal["buyer", "merchant"]
    by: str
    at: TimeText
    note: str
    photos: list[str]


class DecisionOut(BaseModel):
    decision: Literal["buyer", "merchant", "partial"]
    refund_amount: YuanText | None
    note: str | None
    by: str | None
    at: TimeText | None


class DisputeCaseDetail(BaseModel):
    """What a dispute adds to the case document."""

    about_case: str | None = Field(description="the closed after-sales case it is about")
    remedy: Remedy
    requested_amount: YuanText | None
    window: WindowOut
    evidence: list[EvidenceOut]
    decision: DecisionOut | None
