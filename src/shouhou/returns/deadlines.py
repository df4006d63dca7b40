"""What happens at the merchant's deadlines (issue 22, items 5–7): the refund made at the receipt
deadline without the goods, a late replacement escalated, and the buyer's refund instead."""

from __future__ import annotations

from shouhou.accounts.service import staff_holding
from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.models import Order, Store
from shouhou.returns import conversion, steps


def receipt_overdue(step: Step) -> str:
    """Seeds 001/004: the merchant did not confirm receipt in time, so the refund is made now
    (an exchange goes on to the replacement). No stock is booked: nobody received the goods;
    the case waits on the warehouse's exceptions list until they are received and inspected."""
    d = steps.detail(step)
    d.receipt_overdue_at = step.ctx.clock.now()
    if step.case.type == "exchange":
        return "pending_reship"
    return steps.pay_out(step, d)


def reship_overdue(step: Step) -> None:
    """待换货 past its deadline: escalated (urgent, to a supervisor) and the buyer is told they
    may take a refund instead."""
    ctx, case = step.ctx, step.case
    d = steps.detail(step)
    d.reship_overdue_at = ctx.clock.now()
    case.priority = "urgent"
    supervisor = staff_holding(ctx, case.store_id, "supervisor")
    if supervisor is not None:
        case.assignee_id = supervisor
    order = ctx.session.get_one(Order, case.order_id)
    step.record.update(message_zh="换货未能按时发出，已升级主管处理；您也可以申请改为退款",
                       message_en="The replacement is late: a supervisor is on it, and you may take a refund instead",
                       escalated_to=supervisor)
    assert step.rows is not None
    emit(ctx, "case.reship_overdue", {"case": case.no, "order_no": order.order_no,
                                      "store": ctx.session.get_one(Store, case.store_id).code,
                                      "at": d.reship_overdue_at.isoformat()},
         store_id=case.store_id, rows=step.rows, case=case)


def reship_late(step: Step) -> bool:
    return steps.detail(step).reship_overdue_at is not None


def refund_instead(step: Step) -> str:
    refund = conversion.refund_instead(step.ctx, step.case, steps.detail(step))
    step.record["refund_case"] = refund.no
    return "closed"

