"""Payloads of disputes (维权)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Fen, Link

Remedy = Literal["refund", "return", "exchange", "repair", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DisputeIn(Strict):
    type: Literal["dispute"] = "dispute"
    order_no: str = Field(min_length=1, max_length=64)
    store: str | None = Field(default=None, description="only needed when the order number is in several stores")
    case_no: str | None = Field(default=None, max_length=32, description="the closed after-sales case it is about")
    remedy: Remedy = "refund"
    amount: Fen | None = Field(default=None, description="the refund asked for, if any")
    description: str = Field(min_length=1, max_length=5000, description="what went wrong")
    photos: list[Link] = Field(default_factory=list, max_length=20)
    channel: Literal["portal", "api", "hotline", "chat", "email"] | None = None


class EvidenceIn(Strict):
    note: str = Field(min_length=1, max_length=5000)
    photos: list[Link] = Field(default_factory=list, max_length=20)


class DecideIn(Strict):
    decision: Literal["buyer", "merchant", "partial"]
    refund_amount: Fen | None = Field(default=None, description="required for partial; for buyer, the amount awarded")
    note: str = Field(min_length=1, max_length=5000, description="the reasons, shown to both sides")


class OptionalNoteIn(Strict):
    note: str | None = Field(default=None, max_length=5000)


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=5000)
