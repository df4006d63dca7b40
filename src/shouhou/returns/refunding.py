"""Paying refunds out through the store's refund gateway, never more than was paid."""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.context import Ctx
from shouhou.errors import Invalid
from shouhou.models import Case, Order, Refund, ReturnDetail, Store
from shouhou.money import format_fen
from shouhou.returns import repository as repo
from shouhou.returns.gateway import RefundRequest, expected_arrival, gateway_named

INSURANCE_PAYS_WITHIN = timedelta(hours=72)  # 运费险 pays within 72 h of the refund [003]


def gateway_for(ctx: Ctx, store: Store) -> str:
    return str((store.settings or {}).get("refund_gateway") or ctx.settings.refund_gateway)


def order_cap(order: Order) -> int:
    """The most an order can ever refund: the cash paid, plus its vouchers when paid out as cash."""
    return order.payment_amount_fen + order.coupon_fen + order.red_packet_fen + order.points_fen


def outstanding(ctx: Ctx, case: Case, d: ReturnDetail) -> int:
    """What is still to be paid on this case (pending refunds count as paid)."""
    paid = sum(r.amount_fen for r in repo.refunds(ctx.session, case.id) if r.status != "failed" and r.kind == "refund")
    return max(0, d.refund_fen - paid)


def execute(ctx: Ctx, case: Case, d: ReturnDetail, amount: int, *, kind: str = "refund") -> Refund:
    """Send `amount` back to the order's payment channel; `succeeded` or `pending` (async gateway)."""
    session = ctx.session
    order = session.get_one(Order, case.order_id)
    already = repo.refunded_on_order(session, order.id)
    # What was paid, and the buyer's return postage the merchant reimburses on top of it.
    cap = order_cap(order) + repo.postage_on_order(session, order.id)
    if amount <= 0 or already + amount > cap:
        raise Invalid("amount_exceeds_refundable",
                      en="Refunding {amount} would take the order past what was paid ({cap}; {already} refunded)",
                      zh="退款 {amount} 将超过订单实付 {cap} (已退 {already})", amount=format_fen(amount),
                      cap=format_fen(cap), already=format_fen(already))
    store = session.get_one(Store, case.store_id)
    name = gateway_for(ctx, store)
    seq = repo.next_refund_seq(session, case.id)
    outcome = gateway_named(name).refund(RefundRequest(case.no, order.order_no, order.payment_method, amount, seq))
    now = ctx.clock.now()
    refund = Refund(store_id=case.store_id, case_id=case.id, order_id=order.id, seq=seq, kind=kind,
                    channel=order.payment_method, amount_fen=amount, status=outcome.status, gateway=name,
                    gateway_ref=outcome.gateway_ref, requested_at=now,
                    expected_arrival_at=expected_arrival(order.payment_method, now))
    repo.remember(session, refund)
    if outcome.status == "succeeded":
        succeed(ctx, case, d, refund, outcome.gateway_ref)
    session.flush()
    return refund


def succeed(ctx: Ctx, case: Case, d: ReturnDetail, refund: Refund, gateway_ref: str | None) -> None:
    now = ctx.clock.now()
    refund.status, refund.succeeded_at = "succeeded", now
    refund.gateway_ref = gateway_ref or refund.gateway_ref
    refund.expected_arrival_at = expected_arrival(refund.channel, now)
    if refund.kind == "refund":
        d.refunded_fen += refund.amount_fen
        order = ctx.session.get_one(Order, case.order_id)
        if case.type == "return_refund" and (order.extra or {}).get("shipping_insurance") and not d.insurance_status:
            d.insurance_status, d.insurance_due_at = "pending", now + INSURANCE_PAYS_WITHIN


def fail(refund: Refund, reason: str | None) -> None:
    refund.status, refund.failure = "failed", reason or "failed at the gateway"


def pending_refund(ctx: Ctx, case: Case, gateway_ref: str | None) -> Refund | None:
    pending = [r for r in repo.refunds(ctx.session, case.id) if r.status == "pending"]
    if gateway_ref:
        pending = [r for r in pending if r.gateway_ref == gateway_ref]
    return pending[-1] if pending else None
