"""The money rules of one application, pure (issue 22): who bears the shipping decides it.

Given the case's shares of the order's pools (amounts.py) and the facts of the
application, `decide` says what the case refunds besides its goods and what it deducts:

- the outbound shipping: with a full refund of an order not yet shipped (seed 002), or,
  once shipped, the case's share of it when the merchant bears it (seeds 004/001: a
  quality problem or the merchant's fault);
- vouchers as cash, kind by kind, where the store policy says so (seed 002);
- seed 001's charges when the store turns them on: the outbound postage of a 包邮 order on
  a no-reason return (or a refusal after shipment), and a fee after 交易成功;
- for an exchange the buyer pays the replacement's postage when the outbound leg is theirs
  (seed 001: "换货邮费自理"), settled before the replacement ships.

Return postage (at `ship_return`) and the missing invoice (at `receive`) come later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shouhou.policy.deductions import Deduction, after_completion_fee, free_shipping_postage
from shouhou.returns import breakdown as b
from shouhou.returns.amounts import COUPON, POINTS, POSTAGE, RED_PACKET, SHIPPING, VOUCHER_KINDS


@dataclass(frozen=True)
class Facts:
    case_type: str
    ground: str
    shipped: bool  # when the buyer applied
    whole_order: bool  # every unit of the order is in a refund case once this one is
    outbound_payer: str
    refused_delivery: bool
    free_shipping: bool
    shipping_fee_fen: int
    shipping_taken_fen: int  # by the order's other live cases
    completed_before: bool  # the order was 交易成功 before the application
    # store policy
    coupons_as_cash: bool = False
    red_packets_as_cash: bool = False
    points_as_cash: bool = False
    deduct_free_shipping_postage: bool = False
    after_completion_fee_rate: Decimal = Decimal(0)  # a fraction: 0.055


@dataclass
class Money:
    shipping_fen: int = 0
    refund_shipping: bool = False
    coupon_cash_fen: int = 0
    rules: dict[str, str] = field(default_factory=dict)
    deductions: list[dict[str, Any]] = field(default_factory=list)
    exchange_postage_fen: int = 0


def decide(facts: Facts, goods_fen: int, shares: dict[str, int]) -> Money:
    """`shares`: the case's units' worth in each pool (shipping, coupon, red_packet, points, postage)."""
    money = Money()
    if facts.case_type == "exchange":
        if facts.outbound_payer == "buyer" and facts.shipped:
            money.exchange_postage_fen = facts.shipping_fee_fen  # one more parcel, at the order's rate
        return money
    left = max(0, facts.shipping_fee_fen - facts.shipping_taken_fen)  # never twice
    # The units' share of the shipping; refunded only where a rule says so (a reviewer may allow it).
    money.shipping_fen = min(shares.get(SHIPPING, 0), left)
    if not facts.shipped:
        if facts.whole_order and left:
            money.shipping_fen, money.refund_shipping = left, True
            money.rules["shipping"] = b.SHIPPING_UNSHIPPED
    elif facts.outbound_payer == "merchant" and money.shipping_fen:
        money.refund_shipping = True
        money.rules["shipping"] = b.SHIPPING_MERCHANT
    kinds = {COUPON: facts.coupons_as_cash, RED_PACKET: facts.red_packets_as_cash, POINTS: facts.points_as_cash}
    money.coupon_cash_fen = sum(shares.get(k, 0) for k in VOUCHER_KINDS if kinds[k])
    if money.coupon_cash_fen:
        money.rules["vouchers"] = b.VOUCHERS
    if facts.ground == "none":
        charges: list[Deduction | None] = []
        no_reason_return = facts.case_type == "return_refund" or (facts.refused_delivery and facts.shipped)
        if facts.deduct_free_shipping_postage and facts.free_shipping and no_reason_return:
            charges.append(free_shipping_postage(shares.get(POSTAGE, 0)))
        if facts.completed_before:
            charges.append(after_completion_fee(goods_fen, facts.after_completion_fee_rate))
        money.deductions = [deduction_doc(x) for x in charges if x is not None]
    return money


def deduction_doc(x: Deduction) -> dict[str, Any]:
    return {"rule": x.rule, "kind": x.kind, "amount_fen": x.amount_fen or 0, "zh": x.text_zh, "en": x.text_en}


def vouchers_all(shares: dict[str, int]) -> int:
    """Every kind of voucher the case's units carry (the reviewer allows them as cash)."""
    return sum(shares.get(k, 0) for k in VOUCHER_KINDS)
