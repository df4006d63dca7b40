"""The buyer's return postage and the invoice not sent back: parts of the refund breakdown that
come with the parcel (issue 22, item 1; seeds 001/004)."""

from __future__ import annotations

from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.models import Order, ReturnDetail
from shouhou.money import format_fen
from shouhou.policy.deductions import MISSING_INVOICE, missing_invoice
from shouhou.policy.store_policy import rate_of
from shouhou.returns import breakdown, rules, steps


def ship_return(step: Step) -> None:
    d = steps.detail(step)
    steps.ship(step, "return", d.return_payer)
    p = step.payload
    if p.postage is not None:
        _claim_postage(step, d, p.postage, p.postage_receipt)


def _claim_postage(step: Step, d: ReturnDetail, claimed: int, receipt: str | None) -> None:
    """The buyer's return postage: reimbursed with the refund, up to the store's cap, when the
    merchant bears the return leg [004][001] — unless the shipping insurance pays it [003]."""
    order = step.ctx.session.get_one(Order, step.case.order_id)
    cap = steps.case_policy(step).return_postage_cap_fen
    claim: dict[str, object] = {"claimed_fen": claimed, "receipt": receipt, "cap_fen": cap, "rule": None}
    amount = 0
    if d.return_payer == "merchant":
        if (order.extra or {}).get("shipping_insurance"):
            claim["rule"] = breakdown.POSTAGE_INSURED
        else:
            amount = min(claimed, cap) if cap else claimed
            claim["rule"] = breakdown.POSTAGE_MERCHANT
    d.postage, d.return_postage_fen = claim, amount
    steps.settle(step, d)
    step.record.update(return_postage=format_fen(amount))


def postage_offered(step: Step) -> bool:
    d = steps.detail(step)
    return (d.postage or {}).get("rule") in (breakdown.POSTAGE_MERCHANT, breakdown.POSTAGE_LOWERED) \
        and d.refunded_fen == 0  # before any money moves


def adjust_postage(step: Step) -> None:
    """A reviewer lowers the return postage reimbursed (the buyer sees why)."""
    d = steps.detail(step)
    claim = dict(d.postage or {})
    ceiling = min(int(claim["claimed_fen"]), int(claim["cap_fen"])) if claim.get("cap_fen") else int(claim["claimed_fen"])
    amount = step.payload.amount
    if amount > ceiling:
        raise Invalid("amount_exceeds_refundable", en="{amount} is more than the postage that may be reimbursed ({max})",
                      zh="金额 {amount} 超过可报销的退货运费 {max}", amount=format_fen(amount), max=format_fen(ceiling))
    claim.update(rule=breakdown.POSTAGE_LOWERED if amount < ceiling else breakdown.POSTAGE_MERCHANT,
                 note=step.payload.reason if amount < ceiling else None)
    d.postage, d.return_postage_fen = claim, amount
    steps.settle(step, d)
    step.record.update(return_postage=format_fen(amount), refund_amount=format_fen(d.refund_fen))


def missing_invoice_deduction(step: Step, d: ReturnDetail) -> None:
    """Seed 001: an invoice issued with the order and not sent back costs its tax points."""
    order = step.ctx.session.get_one(Order, step.case.order_id)
    charge = missing_invoice(d.goods_fen, rate_of(steps.case_policy(step).missing_invoice_rate)) \
        if order.invoice_at is not None else None
    if charge is None:
        return
    d.deductions = [*(x for x in d.deductions or () if x["rule"] != MISSING_INVOICE), rules.deduction_doc(charge)]
    steps.settle(step, d)
    step.record["refund_amount"] = format_fen(d.refund_fen)

