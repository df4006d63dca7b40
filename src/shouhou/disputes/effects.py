"""The effects the dispute workflow names (bound by plugin.py)."""

from __future__ import annotations

from shouhou.disputes import repository as repo
from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.fields import yuan
from shouhou.models import Order, Store

BUYER_SIDE = frozenset({"customer", "integration"})


def _side(step: Step) -> str:
    """Whose evidence this is: the buyer's (or the integration acting for them), or the merchant's."""
    return "buyer" if step.ctx.actor.roles_in(step.case.store_id) <= BUYER_SIDE else "merchant"


def _evidence(step: Step) -> None:
    d = repo.detail(step.ctx.session, step.case.id)
    p = step.payload
    entry = {"side": _side(step), "by": step.ctx.actor.name, "at": step.ctx.clock.now().isoformat(),
             "note": p.note, "photos": list(p.photos)}
    d.evidence = [*(d.evidence or ()), entry]
    step.record["side"] = entry["side"]


def respond(step: Step) -> None:
    _evidence(step)


def add_evidence(step: Step) -> None:
    _evidence(step)


def decide(step: Step) -> None:
    """The platform decides as it arbitrates (for the buyer, for the merchant, or a partial refund);
    an award is at most what was paid for the order. The integration is told (dispute.decided)."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = repo.detail(ctx.session, case.id)
    order = ctx.session.get_one(Order, case.order_id)
    award = None
    if p.decision == "partial":
        if p.refund_amount is None:
            raise Invalid("refund_amount_required", en="A partial decision needs refund_amount",
                          zh="部分支持须填写退款金额 refund_amount")
        award = p.refund_amount
    elif p.decision == "buyer":
        award = p.refund_amount if p.refund_amount is not None else d.requested_fen
    if award is not None and award > order.payment_amount_fen:
        raise Invalid("amount_exceeds_refundable", en="{amount} is more than was paid for the order ({paid})",
                      zh="金额 {amount} 超过订单实付 {paid}", amount=yuan(award), paid=yuan(order.payment_amount_fen))
    now = ctx.clock.now()
    d.decision, d.award_fen, d.decision_note, d.decided_at, d.decided_by = p.decision, award, p.note, now, \
        ctx.actor.name
    step.record["refund_amount"] = yuan(award) if award is not None else None
    assert step.rows is not None
    emit(ctx, "dispute.decided", {"case": case.no, "order_no": order.order_no,
                                  "store": ctx.session.get_one(Store, case.store_id).code, "decision": p.decision,
                                  "refund_amount": yuan(award) if award is not None else None, "at": now.isoformat()},
         store_id=case.store_id, rows=step.rows, case=case)


def decision_overdue(step: Step) -> None:
    step.case.priority = "urgent"
