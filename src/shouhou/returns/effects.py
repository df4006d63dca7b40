"""Guards, effects and deadlines of the refund / return / exchange actions (named in workflow.py)."""

from __future__ import annotations

from datetime import timedelta

from shouhou.accounts.service import staff_holding
from shouhou.db.cache import cache_of
from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.models import CaseShipment, Customer, Order, OrderLine, ReturnDetail, StockMovement, Store
from shouhou.money import format_fen
from shouhou.policies.service import policy_of_version
from shouhou.policy.deductions import MISSING_INVOICE, missing_invoice
from shouhou.policy.store_policy import rate_of
from shouhou.returns import amounts, application, breakdown, conversion, refunding, rules
from shouhou.returns import repository as repo
from shouhou.returns.schemas import RECEIPT_EXTENSION_MAX_DAYS


def detail(step: Step) -> ReturnDetail:
    return repo.detail(step.ctx.session, step.case.id)


def case_policy(step: Step):  # noqa: ANN201
    """The store policy the case was applied under (for its first line's category)."""
    return cache_of(step.ctx.session).get(("case_policy", step.case.id), lambda: policy_of_version(
        step.ctx, step.case.store_id, detail(step).policy_version_id, category=_category(step)))


def _policy_days(field: str, unit: str = "days"):  # noqa: ANN202
    def period(step: Step) -> timedelta:
        return timedelta(**{unit: getattr(case_policy(step), field)})

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


def _category(step: Step) -> str | None:
    lines = repo.lines(step.ctx.session, step.case.id)
    if not lines:
        return None
    return step.ctx.session.get_one(OrderLine, lines[0].order_line_id).category or None


def _settle(step: Step, d: ReturnDetail) -> None:
    application.settle(d, step.case.type)


def _adjust(d: ReturnDetail, ceiling: int, amount: int | None, reason: str | None, rule: str) -> None:
    """Lower the refund to `amount` (checked against the computed `ceiling`), or undo a lowering."""
    amount = amounts.check_adjusted(ceiling, amount, reason)
    d.adjustment_fen = ceiling - amount
    d.adjustment_reason = reason if d.adjustment_fen else None
    others = {k: v for k, v in (d.rules or {}).items() if k != "adjustment"}
    d.rules = {**others, "adjustment": rule} if d.adjustment_fen else others


def approve(step: Step) -> str:
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
    session = ctx.session
    order = session.get_one(Order, case.order_id)
    if p is not None and p.refund_vouchers is not None and case.type != "exchange":
        d.refund_vouchers = p.refund_vouchers
        d.coupon_cash_fen = rules.vouchers_all(d.shares or {}) if p.refund_vouchers else 0
        _rule(d, "vouchers", breakdown.VOUCHERS_REVIEWER if p.refund_vouchers else None)
    if p is not None and p.refund_shipping is not None and case.type != "exchange":
        if p.refund_shipping and not d.refund_shipping:
            left = order.shipping_fee_fen - repo.shipping_taken(session, order.id, case.id)
            if order.shipping_fee_fen and min(d.shipping_fen, left) <= 0:
                raise Invalid("shipping_already_refunded", en="Other cases already refund this order's shipping",
                              zh="该订单运费已在其他售后单中退还")
            d.shipping_fen = min(d.shipping_fen, left)
            _rule(d, "shipping", breakdown.SHIPPING_REVIEWER)
        elif not p.refund_shipping:
            _rule(d, "shipping", None)
        d.refund_shipping = p.refund_shipping
    if case.type == "exchange":
        if p is not None and p.refund_amount is not None:
            raise Invalid("not_refundable", en="An exchange refunds nothing; set price_difference instead",
                          zh="换货不退款; 如有差价请填写 price_difference")
        if p is not None and p.price_difference is not None:
            d.price_difference_fen = p.price_difference
            d.price_difference_settled = owed(d) == 0
    else:
        ceiling = breakdown.computed(d)
        _adjust(d, ceiling, p.refund_amount if p else None, p.adjustment_reason if p else None, breakdown.ADJUSTMENT)
        _settle(step, d)
        step.record.update(refund_amount=format_fen(d.refund_fen), computed_amount=format_fen(ceiling))
    if case.type != "refund_only":
        _set_return_address(step, d, p.return_address if p else None)
    d.reviewed_at, d.reviewed_by = ctx.clock.now(), ctx.actor.name
    if case.type == "refund_only":
        if _fast_refund(step, d, order):
            return _pay_out(step, d)
        return "pending_refund"
    if d.received_at is not None or d.receipt_overdue_at is not None:
        # the goods came back before (a refused receipt, a send-back), or their deadline passed
        return "pending_refund" if case.type == "return_refund" else "pending_reship"
    if case.type == "return_refund" and _fast_refund(step, d, order):
        refunding.execute(ctx, case, d, refunding.outstanding(ctx, case, d))
        step.record["fast_refund"] = True
    return "awaiting_return"


def _rule(d: ReturnDetail, part: str, rule: str | None) -> None:
    others = {k: v for k, v in (d.rules or {}).items() if k != part}
    d.rules = {**others, part: rule} if rule else others


def _fast_refund(step: Step, d: ReturnDetail, order: Order) -> bool:
    """极速退款: refund on approval for small amounts and trusted buyers, when the store says so."""
    policy = case_policy(step)
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


def _set_return_address(step: Step, d: ReturnDetail, given) -> None:  # noqa: ANN001
    store = step.ctx.session.get_one(Store, step.case.store_id)
    if given is not None:
        d.return_contact, d.return_phone, d.return_address = given.contact, given.phone, given.address
    elif not d.return_address:
        d.return_contact, d.return_phone, d.return_address = (store.return_contact, store.return_phone,
                                                              store.return_address)


def reject(step: Step) -> None:
    detail(step).reject_reason = step.payload.reason


def modify(step: Step) -> None:
    application.reapply(step)


def escalate(step: Step) -> None:
    detail(step).escalated_from = step.from_status


def arbitrate(step: Step) -> str:
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
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
        _settle(step, d)
        return "pending_refund"
    if case.type != "exchange" and d.refund_fen == 0:
        _adjust(d, breakdown.computed(d), None, None, breakdown.ADJUSTMENT)
        _settle(step, d)
    if case.type == "refund_only" or d.received_at is not None:
        return "pending_refund" if case.type != "exchange" else "pending_reship"
    return "awaiting_receipt" if d.escalated_from == "awaiting_receipt" else "awaiting_return"


def ship_return(step: Step) -> None:
    d = detail(step)
    _ship(step, "return", d.return_payer)
    p = step.payload
    if p.postage is not None:
        _claim_postage(step, d, p.postage, p.postage_receipt)


def _claim_postage(step: Step, d: ReturnDetail, claimed: int, receipt: str | None) -> None:
    """The buyer's return postage: reimbursed with the refund, up to the store's cap, when the
    merchant bears the return leg [004][001] — unless the shipping insurance pays it [003]."""
    order = step.ctx.session.get_one(Order, step.case.order_id)
    cap = case_policy(step).return_postage_cap_fen
    claim: dict[str, object] = {"claimed_fen": claimed, "receipt": receipt, "cap_fen": cap, "rule": None}
    amount = 0
    if d.return_payer == "merchant":
        if (order.extra or {}).get("shipping_insurance"):
            claim["rule"] = breakdown.POSTAGE_INSURED
        else:
            amount = min(claimed, cap) if cap else claimed
            claim["rule"] = breakdown.POSTAGE_MERCHANT
    d.postage, d.return_postage_fen = claim, amount
    _settle(step, d)
    step.record.update(return_postage=format_fen(amount))


def postage_offered(step: Step) -> bool:
    d = detail(step)
    return (d.postage or {}).get("rule") in (breakdown.POSTAGE_MERCHANT, breakdown.POSTAGE_LOWERED) \
        and d.refunded_fen == 0  # before any money moves


def adjust_postage(step: Step) -> None:
    """A reviewer lowers the return postage reimbursed (the buyer sees why)."""
    d = detail(step)
    claim = dict(d.postage or {})
    ceiling = min(int(claim["claimed_fen"]), int(claim["cap_fen"])) if claim.get("cap_fen") else int(claim["claimed_fen"])
    amount = step.payload.amount
    if amount > ceiling:
        raise Invalid("amount_exceeds_refundable", en="{amount} is more than the postage that may be reimbursed ({max})",
                      zh="金额 {amount} 超过可报销的退货运费 {max}", amount=format_fen(amount), max=format_fen(ceiling))
    claim.update(rule=breakdown.POSTAGE_LOWERED if amount < ceiling else breakdown.POSTAGE_MERCHANT,
                 note=step.payload.reason if amount < ceiling else None)
    d.postage, d.return_postage_fen = claim, amount
    _settle(step, d)
    step.record.update(return_postage=format_fen(amount), refund_amount=format_fen(d.refund_fen))


def _ship(step: Step, direction: str, payer: str) -> None:
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


def receive_offered(step: Step) -> bool:
    if step.case.status == "awaiting_receipt":
        return True
    d = detail(step)
    if d.received_at is not None:
        return False
    if d.receipt_overdue_at is not None:
        return True  # refunded (or reshipped) at the deadline; the parcel has yet to be inspected
    return step.case.status == "reshipped" and d.urgent  # 先发后退: the return still has to come in


def receipt_overdue(step: Step) -> str:
    """Seeds 001/004: the merchant did not confirm receipt in time, so the refund is made now
    (an exchange goes on to the replacement). No stock is booked: nobody received the goods;
    the case waits on the warehouse's exceptions list until they are received and inspected."""
    d = detail(step)
    d.receipt_overdue_at = step.ctx.clock.now()
    if step.case.type == "exchange":
        return "pending_reship"
    return _pay_out(step, d)


def receive(step: Step) -> str | None:
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
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
        _missing_invoice(step, d)
    shipment = repo.shipments(ctx.session, case.id).get("return")
    if shipment is not None:
        shipment.received_at = now
    kind = "return_in" if case.type == "return_refund" else "exchange_in"
    _stock(step, kind, None)
    if stays:
        return None
    if case.type == "exchange":
        return "pending_reship"
    return "completed" if d.refunded_fen >= d.refund_fen else "pending_refund"


def _missing_invoice(step: Step, d: ReturnDetail) -> None:
    """Seed 001: an invoice issued with the order and not sent back costs its tax points."""
    order = step.ctx.session.get_one(Order, step.case.order_id)
    charge = missing_invoice(d.goods_fen, rate_of(case_policy(step).missing_invoice_rate)) \
        if order.invoice_at is not None else None
    if charge is None:
        return
    d.deductions = [*(x for x in d.deductions or () if x["rule"] != MISSING_INVOICE), rules.deduction_doc(charge)]
    _settle(step, d)
    step.record["refund_amount"] = format_fen(d.refund_fen)


def _stock(step: Step, kind: str, sku: str | None) -> None:
    ctx, case = step.ctx, step.case
    note = step.payload.note if step.payload is not None and hasattr(step.payload, "note") else None
    for line in repo.lines(ctx.session, case.id):
        ctx.session.add(StockMovement(store_id=case.store_id, case_id=case.id, kind=kind, sku=sku or line.sku,
                                      qty=line.qty, at=ctx.clock.now(), operator=ctx.actor.name, note=note))


def approve_refund(step: Step) -> str:
    return _pay_out(step, detail(step))


def _pay_out(step: Step, d: ReturnDetail) -> str:
    due = refunding.outstanding(step.ctx, step.case, d)
    if due > 0:
        refund = refunding.execute(step.ctx, step.case, d, due)
        step.record.update(refund_id=refund.id, amount=format_fen(due), channel=refund.channel,
                           refund_status=refund.status)
        if refund.status == "pending":
            return "refunding"
    return "completed" if not _has_pending(step) else "refunding"


def _has_pending(step: Step) -> bool:
    return any(r.status == "pending" for r in repo.refunds(step.ctx.session, step.case.id))


def send_back(step: Step) -> None:
    step.record["sent_back_by"] = step.ctx.actor.name


def confirm_refund(step: Step) -> str | None:
    d = detail(step)
    refund = refunding.pending_refund(step.ctx, step.case, step.payload.gateway_ref)
    if refund is None:
        raise Invalid("no_pending_refund", en="There is no pending refund to confirm", zh="没有待确认的退款")
    refunding.succeed(step.ctx, step.case, d, refund, step.payload.gateway_ref)
    step.record.update(refund_id=refund.id, amount=format_fen(refund.amount_fen))
    if step.from_status != "refunding" or _has_pending(step):
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
    return _has_pending(step)


def insurance_pending(step: Step) -> bool:
    return detail(step).insurance_status == "pending"


def receipt_extensions(case) -> list[dict]:  # noqa: ANN001
    return list((case.data or {}).get("receipt_extensions", ()))


def extended_days(extensions: list[dict]) -> int:
    """The days of receipt extension asked for in all."""
    return sum(e["days"] for e in extensions)


def extend_receipt(step: Step) -> None:
    """延长收货 [003][001]: the original order's automatic receipt confirmation on the sales platform
    is held off while the return or exchange is worked out, so the buyer need not apply again online.
    The integration applies it there, on the `order.receipt_extension` webhook."""
    ctx, case = step.ctx, step.case
    days = step.payload.days or case_policy(step).receipt_extension_days
    earlier = receipt_extensions(case)
    total = extended_days(earlier) + days
    if total > RECEIPT_EXTENSION_MAX_DAYS:
        raise Invalid("receipt_extension_limit",
                      en="Receipt confirmation may be extended by {max} days in all; {done} already",
                      zh="延长收货合计不超过 {max} 天, 已延长 {done} 天",
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
    d = detail(step)
    d.insurance_status, d.insurance_paid_fen = "paid", step.payload.amount


def owed(d: ReturnDetail) -> int:
    """What the buyer pays before the replacement ships: a higher price, and the postage when
    the outbound leg is theirs (seed 001: "换货邮费自理 … 无邮费 … 通知客户补邮费")."""
    return max(0, d.price_difference_fen) + d.exchange_postage_fen


def difference_open(step: Step) -> bool:
    d = detail(step)
    return owed(d) > 0 and not d.price_difference_settled


def settle_difference(step: Step) -> None:
    d = detail(step)
    if step.payload.amount != owed(d):
        raise Invalid("amount_mismatch", en="The buyer owes {owed}, not {amount}", zh="买家应补差价 {owed}, 而非 {amount}",
                      owed=format_fen(owed(d)), amount=format_fen(step.payload.amount))
    d.price_difference_settled = True


def reship_offered(step: Step) -> bool:
    if step.case.status == "pending_reship":
        return True
    d = detail(step)
    return d.urgent and "return" in repo.shipments(step.ctx.session, step.case.id)


def may_reship(step: Step) -> None:
    d = detail(step)
    if d.price_difference_settled or owed(d) == 0:
        return
    if d.price_difference_fen > 0:
        raise Invalid("price_difference_unsettled",
                      en="The buyer must pay the price difference {amount} before the replacement ships",
                      zh="买家补齐差价 {amount} 后才能发出换货", amount=format_fen(owed(d)))
    raise Invalid("exchange_postage_unpaid",
                  en="The buyer must pay the exchange postage {amount} before the replacement ships",
                  zh="买家补齐换货邮费 {amount} 后才能发出换货", amount=format_fen(owed(d)))


def reship_overdue(step: Step) -> None:
    """待换货 past its deadline: escalated (urgent, to a supervisor) and the buyer is told they
    may take a refund instead."""
    ctx, case = step.ctx, step.case
    d = detail(step)
    d.reship_overdue_at = ctx.clock.now()
    case.priority = "urgent"
    supervisor = staff_holding(ctx, case.store_id, "supervisor")
    if supervisor is not None:
        case.assignee_id = supervisor
    order = ctx.session.get_one(Order, case.order_id)
    step.record.update(message_zh="换货未能按时发出, 已升级主管处理; 您也可以申请改为退款",
                       message_en="The replacement is late: a supervisor is on it, and you may take a refund instead",
                       escalated_to=supervisor)
    assert step.rows is not None
    emit(ctx, "case.reship_overdue", {"case": case.no, "order_no": order.order_no,
                                      "store": ctx.session.get_one(Store, case.store_id).code,
                                      "at": d.reship_overdue_at.isoformat()},
         store_id=case.store_id, rows=step.rows, case=case)


def reship_late(step: Step) -> bool:
    return detail(step).reship_overdue_at is not None


def refund_instead(step: Step) -> str:
    refund = conversion.refund_instead(step.ctx, step.case, detail(step))
    step.record["refund_case"] = refund.no
    return "closed"


def reship(step: Step) -> None:
    d = detail(step)
    _ship(step, "reship", d.outbound_payer)
    _stock(step, "aftersales_out", d.exchange_sku)
    if d.price_difference_fen < 0:
        refunding.execute(step.ctx, step.case, d, -d.price_difference_fen, kind="price_difference")
    if d.return_postage_fen > 0:  # the buyer's return postage, the merchant's to bear
        refunding.execute(step.ctx, step.case, d, d.return_postage_fen, kind="return_postage")
