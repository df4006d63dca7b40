"""三包 proposals (SPEC §5): when the policy engine says the unit now qualifies for an exchange or a
return, `propose_exchange` / `propose_return` open the linked `exchange` or `return_refund` case —
with the entitlement already established (no window refusal), the ground a quality problem, the
shipping on the merchant — and the link shows on both cases."""

from __future__ import annotations

from shouhou.engine.runner import Step
from shouhou.errors import Conflict, Invalid
from shouhou.models import CaseLink, Order, OrderLine, Store
from shouhou.repairs import escalation
from shouhou.repairs import repository as repo
from shouhou.returns import service as returns
from shouhou.returns.schemas import ApplyIn, LineQty
from shouhou.units import service as units

QUALITY_REASON = "quality_issue"
LINKS = {"exchange": "sanbao_exchange", "return_refund": "sanbao_return"}


def _offered(step: Step, remedy: str) -> bool:
    ctx, case = step.ctx, step.case
    d = repo.detail(ctx.session, case.id)
    if d.unit_id is None or units.get(ctx, d.unit_id).order_line_id is None:
        return False  # no sale on record to exchange or refund against
    if any(link.kind == LINKS[remedy] for link, _ in repo.links(ctx.session, case.id)):
        return False
    return escalation.decision(ctx, case, d, remedy) is not None


def exchange_offered(step: Step) -> bool:
    return _offered(step, "exchange")


def return_offered(step: Step) -> bool:
    return _offered(step, "return_refund")


def _propose(step: Step, remedy: str) -> None:
    ctx, case = step.ctx, step.case
    d = repo.detail(ctx.session, case.id)
    decided = escalation.decision(ctx, case, d, remedy)
    if decided is None or d.unit_id is None:
        raise Invalid("not_entitled", en="The unit does not qualify for this now", zh="该产品目前不符合此三包条件")
    unit = units.get(ctx, d.unit_id)
    order = ctx.session.get(Order, unit.order_id) if unit.order_id else None
    line = ctx.session.get(OrderLine, unit.order_line_id) if unit.order_line_id else None
    if order is None or line is None:
        raise Conflict("no_sale_record", en="Unit {serial} has no order line to exchange or refund against",
                       zh="产品 {serial} 没有可退换的订单记录", serial=unit.serial)
    note = step.payload.note if step.payload and step.payload.note else ""
    rule = next((b.rule for b in decided.basis), "")
    body = ApplyIn.model_validate({
        "type": remedy, "order_no": order.order_no, "store": ctx.session.get_one(Store, case.store_id).code,
        "lines": [LineQty(line_no=line.line_no, qty=1)], "reason": QUALITY_REASON, "channel": "api",
        "description": f"三包（{rule}）：维修单 {case.no}，序列号 {unit.serial}. {note}".strip()})
    other = returns.create(ctx, body, decided=decided)
    ctx.session.add(CaseLink(store_id=case.store_id, case_id=case.id, other_case_id=other.id, kind=LINKS[remedy],
                             created_at=ctx.clock.now()))
    ctx.session.flush()
    step.record.update(opened=other.no, rule=rule)


def propose_exchange(step: Step) -> None:
    _propose(step, "exchange")


def propose_return(step: Step) -> None:
    _propose(step, "return_refund")
