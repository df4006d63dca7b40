"""The refund breakdown (issue 22): what a case refunds, line by line, each with its rule.

`items(d)` are what the rules give (the computed amount); `lines(d)` adds the reviewer's
or the platform's adjustment as a deduction. Their sum is the case's refund amount, never
below zero: a deduction larger than what is left is cut to what is left. Pure: it reads
the case's return detail (or anything with the same fields) and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from shouhou.money import format_fen

GOODS, OUTBOUND_SHIPPING, RETURN_POSTAGE, COUPON_AS_CASH, DEDUCTION = (
    "goods", "outbound_shipping", "return_postage", "coupon_as_cash", "deduction")
KINDS = (GOODS, OUTBOUND_SHIPPING, RETURN_POSTAGE, COUPON_AS_CASH, DEDUCTION)

# Rule ids → (中文, English); the seed each comes from is in docs/returns.md §4.
PAID = "PAID-AMOUNT"
SHIPPING_MERCHANT = "SHIPPING-MERCHANT"
SHIPPING_UNSHIPPED = "SHIPPING-UNSHIPPED"
SHIPPING_REVIEWER = "SHIPPING-REVIEWER"
POSTAGE_MERCHANT = "RETURN-POSTAGE-MERCHANT"
POSTAGE_INSURED = "RETURN-POSTAGE-INSURED"
POSTAGE_LOWERED = "RETURN-POSTAGE-LOWERED"
VOUCHERS = "VOUCHERS-AS-CASH"
VOUCHERS_REVIEWER = "VOUCHERS-REVIEWER"
ADJUSTMENT = "REVIEWER-ADJUSTMENT"
PLATFORM = "PLATFORM-DECISION"

TEXTS: dict[str, tuple[str, str]] = {
    PAID: ("商品实付金额（优惠按最大余额法分摊，部分退按件分摊）",
           "what was paid for the goods (discounts allocated by largest remainder, per unit)"),
    SHIPPING_MERCHANT: ("质量问题或商家原因，发货运费由商家承担，随商品退还（按订单行分摊）",
                        ("a quality problem or the merchant's fault: the outbound shipping is the merchant's, "
                         "refunded with the goods (allocated over the order's lines)")),
    SHIPPING_UNSHIPPED: ("未发货订单全部退款，退还运费", "a whole order refunded before shipment: its shipping too"),
    SHIPPING_REVIEWER: ("审核同意退还运费", "the reviewer allowed the shipping fee"),
    POSTAGE_MERCHANT: ("退货运费由商家承担，按买家实付邮费报销（不超过店铺上限 {cap} 元）",
                       "the return leg is the merchant's: the buyer's postage, up to the store's cap of {cap} yuan"),
    POSTAGE_INSURED: ("退货运费由运费险赔付，商家不另报销", "the shipping insurance pays the return postage"),
    POSTAGE_LOWERED: ("审核调整退货运费：{reason}", "return postage lowered by the reviewer: {reason}"),
    VOUCHERS: ("店铺政策：优惠券/红包/积分以现金退还", "store policy: vouchers are refunded as cash"),
    VOUCHERS_REVIEWER: ("审核同意优惠券/红包/积分以现金退还", "the reviewer allowed vouchers as cash"),
    ADJUSTMENT: ("审核调整：{reason}", "adjusted by the reviewer: {reason}"),
    PLATFORM: ("平台裁决：{reason}", "platform decision: {reason}"),
}


class Detail(Protocol):
    goods_fen: int
    shipping_fen: int
    refund_shipping: bool
    coupon_cash_fen: int
    refund_vouchers: bool
    return_postage_fen: int
    postage: dict[str, Any] | None
    deductions: list[dict[str, Any]]
    adjustment_fen: int
    adjustment_reason: str | None
    rules: dict[str, str]  # which rule gave the shipping, the vouchers, the adjustment


@dataclass(frozen=True)
class Item:
    kind: str
    amount_fen: int  # deductions are negative
    rule: str
    zh: str
    en: str

    def document(self, lang: str) -> dict[str, Any]:
        return {"kind": self.kind, "amount": format_fen(self.amount_fen), "rule": self.rule,
                "note": self.en if lang.startswith("en") else self.zh}


def _text(rule: str, **values: Any) -> tuple[str, str]:
    zh, en = TEXTS[rule]
    return zh.format(**values), en.format(**values)


def items(d: Detail) -> list[Item]:
    """What the rules give, before any adjustment."""
    out = [Item(GOODS, d.goods_fen, PAID, *_text(PAID))]
    if d.refund_shipping and d.shipping_fen:
        rule = (d.rules or {}).get("shipping") or SHIPPING_REVIEWER
        out.append(Item(OUTBOUND_SHIPPING, d.shipping_fen, rule, *_text(rule)))
    if d.refund_vouchers and d.coupon_cash_fen:
        rule = (d.rules or {}).get("vouchers") or VOUCHERS_REVIEWER
        out.append(Item(COUPON_AS_CASH, d.coupon_cash_fen, rule, *_text(rule)))
    postage = d.postage or {}
    if postage.get("rule"):
        rule = postage["rule"]
        zh, en = _text(rule, cap=format_fen(postage.get("cap_fen") or 0), reason=postage.get("note") or "")
        out.append(Item(RETURN_POSTAGE, d.return_postage_fen, rule, zh, en))
    for x in d.deductions or ():
        out.append(Item(DEDUCTION, -int(x["amount_fen"]), x["rule"], x["zh"], x["en"]))
    return _floored(out)


def computed(d: Detail) -> int:
    return sum(i.amount_fen for i in items(d))


def lines(d: Detail) -> list[Item]:
    """The breakdown shown on the case: the rules' items and the adjustment; sums to the refund."""
    out = items(d)
    if d.adjustment_fen:
        rule = (d.rules or {}).get("adjustment") or ADJUSTMENT
        zh, en = _text(rule, reason=d.adjustment_reason or "")
        out.append(Item(DEDUCTION, -d.adjustment_fen, rule, zh, en))
    return _floored(out)


def total(d: Detail) -> int:
    return sum(i.amount_fen for i in lines(d))


def _floored(out: list[Item]) -> list[Item]:
    """Deductions cut to what is left, so that the sum is never negative."""
    left = sum(i.amount_fen for i in out if i.amount_fen > 0)
    kept = []
    for i in out:
        if i.amount_fen < 0:
            cut = max(i.amount_fen, -left)
            left += cut
            i = Item(i.kind, cut, i.rule, i.zh, i.en)
        kept.append(i)
    return kept
