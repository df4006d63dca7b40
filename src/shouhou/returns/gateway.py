"""Refund gateways: a refund goes back to the original payment channel (SPEC §4.5).

The default gateway records the refund as done at once; an asynchronous one answers
`pending` and the payment provider's callback confirms it later (the case waits in
`refunding`). Expected arrival by channel follows seed 003: alipay/wechat at once, bank
card about 3 days, credit card 3–7 days.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

ARRIVAL_DAYS = {"alipay": (0, 0), "wechat": (0, 0), "cash": (0, 0), "bank_card": (1, 3),
                "credit_card": (3, 7), "other": (1, 3)}


def expected_arrival(channel: str, at: datetime) -> datetime:
    return at + timedelta(days=ARRIVAL_DAYS.get(channel, (1, 3))[1])


def arrival_window(channel: str) -> str:
    low, high = ARRIVAL_DAYS.get(channel, (1, 3))
    return "0" if high == 0 else f"{low}-{high}"


@dataclass(frozen=True)
class RefundRequest:
    case_no: str
    order_no: str
    channel: str
    amount_fen: int
    seq: int


@dataclass(frozen=True)
class RefundOutcome:
    status: str  # succeeded | pending
    gateway_ref: str


class RefundGateway(Protocol):
    name: str

    def refund(self, request: RefundRequest) -> RefundOutcome: ...


class ImmediateGateway:
    """Records the refund as made; for merchants who pay out through their own back office."""

    name = "immediate"

    def refund(self, request: RefundRequest) -> RefundOutcome:
        return RefundOutcome("succeeded", f"IM-{request.case_no}-{request.seq}")


class AsyncGateway:
    """Submits and waits for the provider's callback (POST /api/v1/refunds/{id}/callback)."""

    name = "async"

    def refund(self, request: RefundRequest) -> RefundOutcome:
        return RefundOutcome("pending", f"AS-{request.case_no}-{request.seq}-{secrets.token_hex(4)}")


GATEWAYS: dict[str, type] = {"immediate": ImmediateGateway, "async": AsyncGateway}


def gateway_named(name: str) -> RefundGateway:
    return GATEWAYS.get(name, ImmediateGateway)()
