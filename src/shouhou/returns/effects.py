"""Guards, effects and deadlines of the refund / return / exchange actions (named in workflow.py).

The workflows are bound to this module: handlers kept in the modules beside it (postage.py,
deadlines.py, pickup_actions.py) are named here too.
"""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.models import Customer, Order, ReturnDetail, Store
from shouhou.money import format_fen
from shouhou.returns import amounts, application, breakdown, postage, refunding, replacements, rules, steps
from shouhou.returns import repository as repo
from shouhou.returns.deadlines import receipt_overdue, refund_instead, reship_late, reship_overdue
from shouhou.returns.pickup_actions import (
    book_pickup,
    cancel_pickup,
    no_pickup,
    pickup_pending,
    record_pickup,
    request_pickup,
)
from shouhou.returns.postage import adjust_postage, postage_offered, ship_return
from shouhou.returns.schemas import RECEIPT_EXTENSION_MAX_DAYS

__all__ = [  # bound by name in workflow.py, though defined beside this module
    "adjust_postage", "book_pickup", "cancel_pickup", "no_pickup", "pickup_pending", "postage_offered",
    "receipt_overdue", "record_pickup", "refund_instead", "request_pickup", "reship_late", "reship_overdue",
    "ship_return",
]


def _policy_days(field: str, unit: str = "days"):
    def period(step: Step) -> timedelta:
        return timedelta(**{unit: getattr(steps.case_policy(step), field)})

    period.__name__ = field
    return period


# The deadlines' durations (SPEC §4.7), from the store policy the case was applied under.
review_period = _policy_days("review_timeout_hours", "hours")
modify_period = _policy_days("buyer_modify_days")
ship_period = _policy_days("buyer_ship_days")
receipt_period = _policy_days("receipt_confirm_days")
reship_period = _policy_days("reship_days")
refund_period = _policy_days("refund_due_days")
confirm_period = _policy_days("exchange_confirm_days")


def _adjust(d: ReturnDetail, ceiling: int, amount: int | None, reason: str | None, rule: str) -> None:
    """Lower the refund to `amount` (checked against the computed `ceiling`), or undo a lowering."""
    amount = amounts.check_adjusted(ceiling, amount, reason)
    d.adjustment_fen = ceiling - amount
    d.adjustment_reason = reason if d.adjustment_fen else None
    others = {k: v for k, v in (d.rules or {}).items() if k != "adjustment"}
    d.rules = {**others, "adjustment": rule} if d.adjustment_fen else others


def approve(step: Step) -> str:
    ctx, case, p = step.ctx, step.case, step.payload
    if case.type == "exchange" and p is not None and p.refund_amount is not None:
        raise Invalid("not_refundable", en="An exchange refunds nothing; set price_difference instead",
                      zh="换货不退款；如有差价请填写 price_difference")
    application.only_its_fields(case.type, "approve", p)
    d = steps.detail(step)
    session = ctx.session
    order = session.get_one(Order, case.order_id)
    if p is not None and p.refund_vouchers is not None and case.type != "exchange":
        d.refund_vouchers = p.refund_vouchers
        # (a case applied for before vouchers were split by kind knows only their sum)
        d.coupon_cash_fen = (rules.vouchers_all(d.shares) if d.shares else d.voucher_fen) if p.refund_vouchers else 0
        steps.set_rule(d, "vouchers", breakdown.VOUCHERS_REVIEWER if p.refund_vouchers else None)
    if p is not None and p.refund_shipping is not None and case.type != "exchange":
        if p.refund_shipping and not d.refund_shipping:
            left = order.shipping_fee_fen - repo.shipping_taken(session, order.id, case.id)
            if order.shipping_fee_fen and min(d.shipping_fen, left) <= 0:
                raise Invalid("shipping_already_refunded", en="Other cases already refund this order's shipping",
                              zh="该订单运费已在其他售后单中退还")
            d.shipping_fen = min(d.shipping_fen, left)
            steps.set_rule(d, "shipping", breakdown.SHIPPING_REVIEWER)
        elif not p.refund_shipping:
            steps.set_rule(d, "shipping", None)
        d.refund_shipping = p.refund_shipping
    if case.type == "exchange":
        if p is not None and p.price_difference is not None:
            d.price_difference_fen = p.price_difference
            d.price_difference_settled = owed(d) == 0
    else:
        ceiling = breakdown.computed(d)
        _adjust(d, ceiling, p.refund_amount if p else None, p.adjustment_reason if p else None, breakdown.ADJUSTMENT)
        steps.settle(step, d)
        step.record.update(refund_amount=format_fen(d.refund_fen), computed_amount=format_fen(ceiling))
    if case.type != "refund_only":
        _set_return_address(step, d, p.return_address if p else None)
    d.reviewed_at, d.reviewed_by = ctx.clock.now(), ctx.actor.name
    if case.type == "refund_only":
        if _fast_refund(step, d, order):
            return steps.pay_out(step, d)
        return "pending_refund"
    if d.received_at is not None or d.receipt_overdue_at is not None:
        # the goods came back before (a refused receipt, a send-back), or their deadline passed
        return "pending_refund" if case.type == "return_refund" else "pending_reship"
    if case.type == "return_refund" and _fast_refund(step, d, order):
        refunding.execute(ctx, case, d, refunding.outstanding(ctx, case, d))
        step.record["fast_refund"] = True
    return "awaiting_return"


def _fast_refund(step: Step, d: ReturnDetail, order: Order) -> bool:
    """极速退款: refund on approval for small amounts and trusted buyers, when the store says so."""
    policy = steps.case_policy(step)
    if getattr(policy, "refund_timing", "after_receipt") != "on_approval":
        return False
    limit = getattr(policy, "fast_refund_max_fen", 0)
    if limit and d.refund_fen > limit:
        return False
    levels = tuple(getattr(policy, "fast_refund_levels", ()) or ())
    if levels:
        customer = step.ctx.session.get(Customer, order.customer_id)
        if customer is None or customer.level not in levels:
            return False
    return True


def _set_return_address(step: Step, d: ReturnDetail, given) -> None:
    store = step.ctx.session.get_one(Store, step.case.store_id)
    if given is not None:
        d.return_contact, d.return_phone, d.return_address = given.contact, given.phone, given.address
    elif not d.return_address:
        d.return_contact, d.return_phone, d.return_address = (store.return_contact, store.return_phone,
                                                              store.return_address)


def reject(step: Step) -> None:
    steps.detail(step).reject_reason = step.payload.reason


def modify(step: Step) -> None:
    application.only_its_fields(step.case.type, "modify", step.payload)
    application.reapply(step)


def escalate(step: Step) -> None:
    steps.detail(step).escalated_from = step.from_status


def arbitrate(step: Step) -> str:
    ctx, case, p = step.ctx, step.case, step.payload
    if p.decision != "partial" and p.refund_amount is not None:
        # the buyer's side refunds what was computed, the merchant's nothing: an amount would be on the
        # record and not be what is paid
        raise Invalid("refund_amount_not_allowed", en="refund_amount goes with a partial decision only, not {decision}",
                      zh="仅部分支持（partial）可填写退款金额 refund_amount，{decision} 不可", decision=p.decision)
    d = steps.detail(step)
    d.arbitration = {"decision": p.decision, "note": p.note, "by": ctx.actor.name,
                     "at": ctx.clock.now().isoformat(),
                     "refund_amount": format_fen(p.refund_amount) if p.refund_amount is not None else None}
    if p.decision == "merchant":
        return "closed"
    if p.decision == "partial":
        if case.type == "exchange":
            raise Invalid("not_refundable", en="An exchange cannot be settled with a partial refund",
                          zh="换货不能以部分退款结案")
        if p.refund_amount is None:
            raise Invalid("refund_amount_required", en="A partial decision needs refund_amount",
                          zh="部分支持须填写退款金额 refund_amount")
        _adjust(d, breakdown.computed(d), p.refund_amount, p.note or "platform decision", breakdown.PLATFORM)
        steps.settle(step, d)
        return "pending_refund"
    if case.type != "exchange" and d.refund_fen == 0:
        _adjust(d, breakdown.computed(d), None, None, breakdown.ADJUSTMENT)
        steps.settle(step, d)
    if case.type == "refund_only" or d.received_at is not None:
        return "pending_refund" if case.type != "exchange" else "pending_reship"
    return "awaiting_receipt" if d.escalated_from == "awaiting_receipt" else "awaiting_return"


def receive_offered(step: Step) -> bool:
    if step.case.status == "awaiting_receipt":
        return True
    d = steps.detail(step)
    if d.received_at is not None:
        return False
    if d.receipt_overdue_at is not None:
        return True  # refunded (or reshipped) at the deadline; the parcel has yet to be inspected
    return step.case.status == "reshipped" and d.urgent  # 先发后退: the return still has to come in


def receive(step: Step) -> str | None:
    ctx, case, p = step.ctx, step.case, step.payload
    d = steps.detail(step)
    now = ctx.clock.now()
    stays = step.from_status != "awaiting_receipt"
    if p.result == "refused":
        d.receive_result = "refused"
        step.record["evidence"] = {"photos": p.photos, "note": p.note, "package_damaged": p.package_damaged}
        if d.receipt_overdue_at is not None:
            d.received_at = now  # it came, after the money: the evidence is for the merchant's claim
        return None if stays else "pending_review"
    d.received_at, d.receive_result = now, "accepted"
    if case.type == "return_refund" and p.invoice_returned is False and not stays:
        postage.missing_invoice_deduction(step, d)
    shipment = repo.shipments(ctx.session, case.id).get("return")
    if shipment is not None:
        shipment.received_at = now
    kind = "return_in" if case.type == "return_refund" else "exchange_in"
    steps.book_stock(step, kind, None)
    if stays:
        return None
    if case.type == "exchange":
        return "pending_reship"
    return "completed" if d.refunded_fen >= d.refund_fen else "pending_refund"


def approve_refund(step: Step) -> str:
    return steps.pay_out(step, steps.detail(step))


def send_back(step: Step) -> None:
    step.record["sent_back_by"] = step.ctx.actor.name


def confirm_refund(step: Step) -> str | None:
    d = steps.detail(step)
    refund = refunding.pending_refund(step.ctx, step.case, step.payload.gateway_ref)
    if refund is None:
        raise Invalid("no_pending_refund", en="There is no pending refund to confirm", zh="没有待确认的退款")
    refunding.succeed(step.ctx, step.case, d, refund, step.payload.gateway_ref)
    step.record.update(refund_id=refund.id, amount=format_fen(refund.amount_fen))
    if step.from_status != "refunding" or steps.has_pending(step):
        return None
    return "completed"


def fail_refund(step: Step) -> str | None:
    refund = refunding.pending_refund(step.ctx, step.case, step.payload.gateway_ref)
    if refund is None:
        raise Invalid("no_pending_refund", en="There is no pending refund", zh="没有待处理的退款")
    refunding.fail(refund, step.payload.failure)
    step.record.update(refund_id=refund.id, failure=refund.failure)
    return "pending_refund" if step.from_status == "refunding" else None


def refund_pending(step: Step) -> bool:
    return steps.has_pending(step)


def insurance_pending(step: Step) -> bool:
    return steps.detail(step).insurance_status == "pending"


def receipt_extensions(case) -> list[dict]:
    return list((case.data or {}).get("receipt_extensions", ()))


def extended_days(extensions: list[dict]) -> int:
    """The days of receipt extension asked for in all."""
    return sum(e["days"] for e in extensions)


def extend_receipt(step: Step) -> None:
    """延长收货 [003][001]: the original order's automatic receipt confirmation on the sales platform
    is held off while the return or exchange is worked out, so the buyer need not apply again online.
    The integration applies it there, on the `order.receipt_extension` webhook."""
    ctx, case = step.ctx, step.case
    days = step.payload.days or steps.case_policy(step).receipt_extension_days
    earlier = receipt_extensions(case)
    total = extended_days(earlier) + days
    if total > RECEIPT_EXTENSION_MAX_DAYS:
        raise Invalid("receipt_extension_limit",
                      en="Receipt confirmation may be extended by {max} days in all; {done} already",
                      zh="延长收货合计不超过 {max} 天，已延长 {done} 天",
                      max=RECEIPT_EXTENSION_MAX_DAYS, done=total - days, days=days)
    order = ctx.session.get_one(Order, case.order_id)
    at = ctx.clock.now()
    case.data = {**(case.data or {}), "receipt_extensions": [
        *earlier, {"days": days, "at": at.isoformat(), "by": ctx.actor.name, "note": step.payload.note}]}
    step.record.update({"days": days, "total_days": total, "order_no": order.order_no})
    assert step.rows is not None  # set by the engine for every action
    emit(ctx, "order.receipt_extension", {
        "case": case.no, "order_no": order.order_no, "store": ctx.session.get_one(Store, case.store_id).code,
        "days": days, "total_days": total, "at": at.isoformat()}, store_id=case.store_id, rows=step.rows, case=case)


def insurance_paid(step: Step) -> None:
    d = steps.detail(step)
    d.insurance_status, d.insurance_paid_fen = "paid", step.payload.amount


def owed(d: ReturnDetail) -> int:
    """What the buyer pays before the replacement ships: a higher price, and the postage when
    the outbound leg is theirs (seed 001: "换货邮费自理 … 无邮费 … 通知客户补邮费")."""
    return max(0, d.price_difference_fen) + d.exchange_postage_fen


def difference_open(step: Step) -> bool:
    d = steps.detail(step)
    return owed(d) > 0 and not d.price_difference_settled


def settle_difference(step: Step) -> None:
    d = steps.detail(step)
    if step.payload.amount != owed(d):
        raise Invalid("amount_mismatch", en="The buyer owes {owed}, not {amount}", zh="买家应补差价 {owed}，而非 {amount}",
                      owed=format_fen(owed(d)), amount=format_fen(step.payload.amount))
    d.price_difference_settled = True


def reship_offered(step: Step) -> bool:
    if step.case.status == "pending_reship":
        return True
    d = steps.detail(step)
    return d.urgent and "return" in repo.shipments(step.ctx.session, step.case.id)


def may_reship(step: Step) -> None:
    d = steps.detail(step)
    if d.price_difference_settled or owed(d) == 0:
        return
    if d.price_difference_fen > 0:
        raise Invalid("price_difference_unsettled",
                      en="The buyer must pay the price difference {amount} before the replacement ships",
                      zh="买家补齐差价 {amount} 后才能发出换货", amount=format_fen(owed(d)))
    raise Invalid("exchange_postage_unpaid",
                  en="The buyer must pay the exchange postage {amount} before the replacement ships",
                  zh="买家补齐换货邮费 {amount} 后才能发出换货", amount=format_fen(owed(d)))


def reship(step: Step) -> None:
    d = steps.detail(step)
    steps.ship(step, "reship", d.outbound_payer)
    replacements.record(step)
    steps.book_stock(step, "aftersales_out", d.exchange_sku)
    if d.price_difference_fen < 0:
        refunding.execute(step.ctx, step.case, d, -d.price_difference_fen, kind="price_difference")
    if d.return_postage_fen > 0:  # the buyer's return postage, the merchant's to bear
        refunding.execute(step.ctx, step.case, d, d.return_postage_fen, kind="return_postage")


def confirm_receipt(step: Step) -> None:
    """The buyer has the replacement (or the confirmation period ran out): the parcel is received and the
    replacements' 三包 periods run from now."""
    parcel = repo.shipments(step.ctx.session, step.case.id).get("reship")
    if parcel is not None and parcel.received_at is None:
        parcel.received_at = step.ctx.clock.now()
    replacements.received(step)
