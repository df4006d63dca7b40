"""What the refund / return / exchange handlers share: the case's detail and policy, paying out,
booking stock, recording a parcel, settling the refund amount on its breakdown."""

from __future__ import annotations

from shouhou.db.cache import cache_of
from shouhou.engine.runner import Step
from shouhou.models import CaseShipment, OrderLine, ReturnDetail, StockMovement
from shouhou.money import format_fen
from shouhou.policies.service import policy_of_version
from shouhou.returns import application, refunding
from shouhou.returns import repository as repo


def detail(step: Step) -> ReturnDetail:
    return repo.detail(step.ctx.session, step.case.id)


def case_policy(step: Step):
    """The store policy the case was applied under (for its first line's category)."""
    return cache_of(step.ctx.session).get(("case_policy", step.case.id), lambda: policy_of_version(
        step.ctx, step.case.store_id, detail(step).policy_version_id, category=_category(step)))


def _category(step: Step) -> str | None:
    lines = repo.lines(step.ctx.session, step.case.id)
    if not lines:
        return None
    return step.ctx.session.get_one(OrderLine, lines[0].order_line_id).category or None


def settle(step: Step, d: ReturnDetail) -> None:
    application.settle(d, step.case.type)


def pay_out(step: Step, d: ReturnDetail) -> str:
    due = refunding.outstanding(step.ctx, step.case, d)
    if due > 0:
        refund = refunding.execute(step.ctx, step.case, d, due)
        step.record.update(refund_id=refund.id, amount=format_fen(due), channel=refund.channel,
                           refund_status=refund.status)
        if refund.status == "pending":
            return "refunding"
    return "completed" if not has_pending(step) else "refunding"


def has_pending(step: Step) -> bool:
    return any(r.status == "pending" for r in repo.refunds(step.ctx.session, step.case.id))


def book_stock(step: Step, kind: str, sku: str | None) -> None:
    ctx, case = step.ctx, step.case
    note = step.payload.note if step.payload is not None and hasattr(step.payload, "note") else None
    for line in repo.lines(ctx.session, case.id):
        ctx.session.add(StockMovement(store_id=case.store_id, case_id=case.id, kind=kind, sku=sku or line.sku,
                                      qty=line.qty, at=ctx.clock.now(), operator=ctx.actor.name, note=note))


def ship(step: Step, direction: str, payer: str) -> None:
    ctx, case, p = step.ctx, step.case, step.payload
    existing = repo.shipments(ctx.session, case.id).get(direction)
    now = ctx.clock.now()
    if existing is None:
        repo.add_shipment(ctx.session, CaseShipment(store_id=case.store_id, case_id=case.id, direction=direction,
                                                    carrier=p.carrier, tracking_no=p.tracking_no, payer=payer,
                                                    shipped_at=now))
    else:
        existing.carrier, existing.tracking_no, existing.payer = p.carrier, p.tracking_no, payer
        existing.shipped_at, existing.received_at = now, None


def set_rule(d: ReturnDetail, part: str, rule: str | None) -> None:
    others = {k: v for k, v in (d.rules or {}).items() if k != part}
    d.rules = {**others, part: rule} if rule else others

