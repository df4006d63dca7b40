"""What a decision says: per remedy, allowed or not, until when, who pays, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Party = Literal["buyer", "merchant"]
RefusalCode = Literal["window_expired", "not_eligible"]


@dataclass(frozen=True)
class Basis:
    """One reason behind a decision, naming the rule (a STATUTORY_RULES id or "STORE")."""

    rule: str
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Shipping:
    """Who bears each leg: `return_` is the customer's parcel back to the merchant,
    `outbound` the merchant's shipment to the customer (original delivery or reshipment)."""

    outbound: Party
    return_: Party


@dataclass(frozen=True)
class Deduction:
    """Something taken off a refund (or charged), e.g. a gift kept or 三包 depreciation.

    `amount_fen` is None when it cannot be computed from the facts (unknown rate/value).
    """

    kind: str  # "gift" | "depreciation" | "usage_compensation" | …
    amount_fen: int | None
    text_zh: str
    text_en: str
    rule: str


@dataclass(frozen=True)
class RemedyDecision:
    type: str
    allowed: bool
    until: datetime | None  # end of the window (local 23:59:59); None = no time limit known/applies
    shipping: Shipping
    deductions: list[Deduction] = field(default_factory=list)
    refund_due_within_days: int | None = None
    basis: list[Basis] = field(default_factory=list)
    message_zh: str = ""
    message_en: str = ""
    refusal_code: RefusalCode | None = None
    needs_review: bool = False  # allowed, but a person must agree (e.g. refund without return)


@dataclass(frozen=True)
class Note:
    code: str
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Eligibility:
    as_of: datetime
    remedies: list[RemedyDecision]
    notes: list[Note] = field(default_factory=list)

    def remedy(self, type: str) -> RemedyDecision:
        for decision in self.remedies:
            if decision.type == type:
                return decision
        raise KeyError(f"no decision for remedy {type!r}")

    @property
    def allowed(self) -> list[str]:
        return [d.type for d in self.remedies if d.allowed]
