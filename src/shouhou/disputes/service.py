"""Use-cases of disputes (维权): opening one within its window; reading it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.cases import service as cases
from shouhou.disputes import repository as repo
from shouhou.disputes import rules
from shouhou.disputes.schemas import DisputeIn
from shouhou.disputes.workflow import WORKFLOW
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import Step, create_case
from shouhou.engine.workflow import Workflow
from shouhou.errors import Conflict, Invalid
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, Order, Store
from shouhou.models.dispute import DisputeDetail
from shouhou.orders import service as orders


def create(ctx: Ctx, body: DisputeIn) -> Case:
    store, order, customer = orders.resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                                    customer_external_id=None, lock_order=True)
    assert order is not None and customer is not None
    if body.amount is not None and body.amount > order.payment_amount_fen:  # as the decision would refuse it
        raise Invalid("amount_exceeds_refundable", en="{amount} is more than was paid for the order ({paid})",
                      zh="金额 {amount} 超过订单实付 {paid}", amount=yuan(body.amount),
                      paid=yuan(order.payment_amount_fen), field="amount")
    about = _about(ctx, order, body.case_no)
    win = eligibility(ctx, store, order, about)
    if not win.allowed:
        raise Invalid(win.code or "not_eligible", en=win.en, zh=win.zh, rule=win.rule,
                      until=local_iso(win.until, store.timezone))
    if repo.open_on_order(ctx.session, order.id):
        raise Conflict("dispute_open", en="A dispute about order {order_no} is already open",
                       zh="订单 {order_no} 已有进行中的维权", order_no=order.order_no)
    workflow: Workflow = workflow_for(WORKFLOW.type)
    case = Case(store_id=store.id, order_id=order.id, customer_id=customer.id,
                channel=body.channel or ("portal" if ctx.actor.customer_id else "api"), priority="high",
                description=body.description, data={}, subject=f"{ctx.stored(workflow.zh, workflow.en)} {order.order_no}")

    def write(step: Step) -> None:
        now = ctx.clock.now()
        repo.add(ctx.session, DisputeDetail(
            store_id=store.id, case_id=step.case.id, about_case_id=about.id if about else None, remedy=body.remedy,
            requested_fen=body.amount, window_until=win.until, basis={"rule": win.rule, "zh": win.zh, "en": win.en},
            evidence=[{"side": "buyer", "by": ctx.actor.name, "at": now.isoformat(), "note": body.description,
                       "photos": list(body.photos)}]))

    create_case(ctx, workflow, case, body, record={"rule": win.rule, "about": body.case_no}, prepare=write)
    return case


def _about(ctx: Ctx, order: Order, case_no: str | None) -> Case | None:
    """The after-sales case the dispute is about: closed, and of the same order."""
    if not case_no:
        return None
    about = cases.get(ctx, case_no)
    if about.order_id != order.id:
        raise Invalid("case_not_of_order", en="Case {case} is not about order {order_no}",
                      zh="售后单 {case} 不属于订单 {order_no}", case=case_no, order_no=order.order_no)
    if about.closed_at is None:
        raise Conflict("case_still_open", en="Case {case} is still open: escalate it to the platform instead",
                       zh="售后单 {case} 仍在处理中，请在该售后单上申请平台介入", case=case_no)
    return about


def eligibility(ctx: Ctx, store: Store, order: Order, about: Case | None) -> rules.Window:
    shipments = orders.shipments_of(ctx, order.id)
    received = max((t for s in shipments if (t := s.signed_at or s.delivered_at) is not None), default=None)
    lines = [rules.Line(ln.line_no, "sanbao" in (ln.tags or ()), ln.warranty_months)
             for ln in orders.lines_of(ctx, order.id)]
    return rules.window(completed_at=order.completed_at, closed_at=about.closed_at if about else None,
                        received_at=received, lines=lines, as_of=ctx.clock.now(), tz=ZoneInfo(store.timezone))


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    about = ctx.session.get(Case, d.about_case_id) if d.about_case_id else None
    return {
        "about_case": about.no if about else None, "remedy": d.remedy,
        "requested_amount": yuan(d.requested_fen) if d.requested_fen is not None else None,
        "window": {"until": local_iso(d.window_until, tz), "rule": d.basis.get("rule"),
                   "text": ctx.label(d.basis.get("zh", ""), d.basis.get("en", ""))},
        "evidence": [{**e, "at": local_iso(datetime.fromisoformat(e["at"]), tz)} for e in d.evidence or ()],
        "decision": None if d.decision is None else {
            "decision": d.decision, "refund_amount": yuan(d.award_fen) if d.award_fen is not None else None,
            "note": d.decision_note, "by": d.decided_by, "at": local_iso(d.decided_at, tz)},
    }


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    return {"refund_amount": yuan(d.award_fen) if d.award_fen is not None else None}
