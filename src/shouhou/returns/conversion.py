"""改为退款: a replacement the merchant did not ship in time becomes a refund (issue 22, item 7).

The buyer's exchange is closed and a return-and-refund case opened for the same units, as
of the exchange's application (its reason, its policy version), linked to it. The goods are
already back (or their receipt deadline passed), so the refund case goes straight to
finance; its window is not checked again: the merchant owes the remedy.
"""

from __future__ import annotations

from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import create_case, run_action
from shouhou.fields import yuan
from shouhou.models import Case, CaseLink, Order, ReturnDetail, Store
from shouhou.returns import application
from shouhou.returns import repository as repo
from shouhou.returns.application import Claimed
from shouhou.returns.schemas import ApplyIn, LineQty


def refund_instead(ctx: Ctx, exchange: Case, d: ReturnDetail) -> Case:
    session = ctx.session
    store = session.get_one(Store, exchange.store_id)
    order = session.get_one(Order, exchange.order_id)
    wanted = [LineQty(line_no=cl.line_no, qty=cl.qty) for cl in repo.lines(session, exchange.id)]
    prepared = application.prepare(ctx, store, order, "return_refund", wanted, d.reason_code, Claimed(),
                                   as_of=d.applied_at, exclude_case_id=exchange.id,
                                   policy_version_id=d.policy_version_id, owed=True)
    workflow = workflow_for("return_refund")
    body = ApplyIn(type="return_refund", order_no=order.order_no, store=store.code, lines=wanted, reason=d.reason_code,
                   description=exchange.description, photos=list(d.photos or ()))
    refund = Case(store_id=exchange.store_id, order_id=order.id, customer_id=exchange.customer_id,
                  channel=exchange.channel, priority="high", description=exchange.description,
                  subject=f"{ctx.stored(workflow.zh, workflow.en)} {order.order_no}")

    def write(step) -> None:
        application.write(step, prepared, photos=list(d.photos or ()), claimed=Claimed(), urgent=False,
                          exchange_sku=None)
        new = repo.detail(session, step.case.id)
        new.received_at, new.receive_result, new.receipt_overdue_at = d.received_at, d.receive_result, \
            d.receipt_overdue_at

    refund.data = {"instead_of": exchange.no}
    create_case(ctx, workflow, refund, body, record={"refund_amount": yuan(prepared.refund_fen),
                                                     "instead_of": exchange.no}, prepare=write)
    exchange.data = {**(exchange.data or {}), "refund_case": refund.no}
    session.add(CaseLink(store_id=exchange.store_id, case_id=exchange.id, other_case_id=refund.id,
                         kind="refund_instead", created_at=ctx.clock.now()))
    run_action(ctx.as_system(), refund, "approve", refund.version, {})
    return refund
