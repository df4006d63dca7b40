"""仅退款: money back without goods going back.

- Goods never shipped: the order is simply unwound (store/platform practice; SPEC §4.2
  auto-approves it). No time limit.
- Shipped but lost: the seller bears the risk in transit (电子商务法 Art. 20); refund once
  the loss is confirmed with the carrier, so a person reviews it.
- Refused at the door: refund once the parcel is back.
- Received: only as a merchant-agreed settlement of a quality claim (e.g. a partial
  refund instead of a return, or perishables): allowed, but it needs review. Without a
  quality ground a received item goes back through `return_refund`.
"""

from __future__ import annotations

from shouhou.policy.decision import Basis
from shouhou.policy.outcomes import Ctx, Option, Outcome, refuse


def refund_only(ctx: Ctx) -> list[Outcome]:
    claim, sale = ctx.claim, ctx.sale
    if not claim.received:
        if sale.shipped_at is None:
            basis = Basis("STORE", "商家未发货，可仅退款（默认自动同意）", "not shipped yet: refund only (auto-approved)")
            return [Option("refund_only", (basis,), None, "", "")]
        if claim.refused_delivery:
            basis = Basis("STORE", "买家拒收，包裹退回商家后退款", "refused at delivery: refund once the parcel is back")
            return [Option("refund_only", (basis,), None, "", "")]
        basis = Basis("ECL-20", "商品运输中的风险由经营者承担，核实丢件后退款",
                      "the seller bears the risk in transit: refund once the loss is confirmed")
        return [Option("refund_only", (basis,), None, "", "", needs_review=True)]
    if claim.quality and not claim.misuse:
        basis = Basis("STORE", "已收货的质量问题，经商家同意可仅退款或部分退款（不退货）",
                      "received goods with a quality problem: refund without return if the merchant agrees")
        return [Option("refund_only", (basis,), None, "", "", needs_review=True)]
    if claim.misuse:
        return refuse("refund_only", (Basis("CPL-24", "人为损坏不属于质量问题", "customer damage is not a quality problem"),),
                      "客户人为损坏，不支持仅退款", "customer damage: no refund without return")
    return refuse("refund_only", (Basis("STORE", "已收到商品且无质量问题，需退货后退款",
                                        "received goods without a quality problem are refunded after return"),),
                  "已收到商品，请申请退货退款", "the goods were received: ask for a return and refund")
