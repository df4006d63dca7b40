"""Who pays shipping (SPEC §4.6, 消费者权益保护法 Arts. 24/25, 电子商务法 Art. 20, seeds 001/004).

- Quality problem: the merchant pays both legs (Art. 24 ¶2: the business bears transport costs).
- The merchant's fault without a defect (ground `merchant`: 缺货, 未按约定时间发货): the
  merchant pays both legs too, though no statutory quality right follows.
- No quality problem, free-shipping order: each sending side pays its own leg [004].
- No quality problem otherwise: the buyer pays both (Art. 25: return shipping is the consumer's).
- A store with `free_return_shipping` pays the customer's return parcel.
- Refused delivery [004] "拒收费用, 如在发货前说明, 费用由商家承担, 如在发货后说明费用由买家承担":
  said before shipment, the merchant pays; said after it, the buyer pays both legs (free
  shipping or not), unless the goods or the merchant are at fault.
- Never shipped or lost in transit: nothing for the buyer to pay.
"""

from __future__ import annotations

from shouhou.policy.decision import Party, Shipping
from shouhou.policy.outcomes import Ctx

_MERCHANT = Shipping(outbound="merchant", return_="merchant")


def shipping_for(remedy: str, ctx: Ctx) -> Shipping:
    claim, sale = ctx.claim, ctx.sale
    at_fault = claim.merchant_fault and not claim.misuse
    return_: Party = "merchant" if ctx.policy.free_return_shipping else "buyer"
    if remedy == "refund_only" and not claim.received:
        if sale.shipped_at is None or not claim.refused_delivery:
            return _MERCHANT  # not shipped, or lost: the seller bears the risk in transit
        if claim.asked_before_shipment or at_fault:
            return _MERCHANT
        return Shipping(outbound="buyer", return_=return_)  # refused after shipment, nobody at fault
    if at_fault:
        return _MERCHANT
    outbound: Party = "merchant" if sale.free_shipping else "buyer"
    return Shipping(outbound=outbound, return_=return_)
