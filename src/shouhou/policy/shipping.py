"""Who pays shipping (SPEC §4.6, 消费者权益保护法 Arts. 24/25, 电子商务法 Art. 20).

- Quality problem: the merchant pays both legs (Art. 24 ¶2: the business bears transport costs).
- No quality problem, free-shipping order: each sending side pays its own leg.
- No quality problem otherwise: the buyer pays both (Art. 25: return shipping is the consumer's).
- A store with `free_return_shipping` pays the customer's return parcel.
- Refused delivery: the merchant pays if the buyer cancelled before shipment, else as above.
- Never shipped or lost in transit: nothing for the buyer to pay.
"""

from __future__ import annotations

from shouhou.policy.decision import Party, Shipping
from shouhou.policy.outcomes import Ctx

_MERCHANT = Shipping(outbound="merchant", return_="merchant")


def shipping_for(remedy: str, ctx: Ctx) -> Shipping:
    claim, sale = ctx.claim, ctx.sale
    if remedy == "refund_only" and not claim.received:
        if sale.shipped_at is None or not claim.refused_delivery:
            return _MERCHANT  # not shipped, or lost: the seller bears the risk in transit
        if claim.asked_before_shipment:
            return _MERCHANT
    if claim.quality and not claim.misuse:
        return _MERCHANT
    outbound: Party = "merchant" if sale.free_shipping else "buyer"
    return_: Party = "merchant" if ctx.policy.free_return_shipping else "buyer"
    return Shipping(outbound=outbound, return_=return_)
