"""Applying for a refund, return or exchange: check the policy, the quantities, the money.

Used by `apply` (case creation) and `modify` (after a rejection). Nothing is written
unless every check passes, so a refused application creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shouhou.engine.context import Ctx
from shouhou.engine.runner import Step
from shouhou.errors import Invalid, not_found
from shouhou.fields import local_iso
from shouhou.models import CaseLine, Order, OrderLine, ReturnDetail, Shipment, Store
from shouhou.orders import service as orders
from shouhou.policies import service as policies
from shouhou.policy import Claim, RemedyDecision, StorePolicy
from shouhou.policy.store_policy import rate_of
from shouhou.returns import amounts, breakdown, reasons, rules
from shouhou.returns import repository as repo
from shouhou.returns.amounts import LineShare
from shouhou.returns.schemas import ONLY_FOR, LineQty


@dataclass
class Claimed:
    """What the buyer says about the goods, beyond the reason."""

    goods_intact: bool = True
    unsealed: bool = False
    received: bool | None = None
    refused_delivery: bool = False


@dataclass
class Prepared:
    reason: reasons.ReasonView
    shares: list[tuple[OrderLine, LineShare]]
    policy_version_id: int | None  # None: the store's defaults (no policy ever saved)
    decisions: dict[int, RemedyDecision]
    money: rules.Money = field(default_factory=rules.Money)
    return_payer: str = "buyer"
    outbound_payer: str = "merchant"
    snapshot: dict[str, Any] = field(default_factory=dict)

    @property
    def goods_fen(self) -> int:
        return sum(s.amount_fen for _, s in self.shares)

    @property
    def voucher_fen(self) -> int:
        return sum(s.voucher_fen for _, s in self.shares)

    @property
    def refund_fen(self) -> int:
        """What the case refunds as applied for (before postage, review and inspection)."""
        m = self.money
        gross = self.goods_fen + (m.shipping_fen if m.refund_shipping else 0) + m.coupon_cash_fen
        return max(0, gross - sum(int(x["amount_fen"]) for x in m.deductions))

    def pools(self) -> dict[str, int]:
        """The case's units' worth in each of the order's pools."""
        return {name: sum(s.pool(name) for _, s in self.shares) for name in amounts.POOLS}


def only_its_fields(case_type: str, action: str, payload: BaseModel | None) -> None:
    """A field of another type's form (ONLY_FOR) is refused, not ignored: the caller meant it."""
    for name in sorted(payload.model_fields_set if payload is not None else ()):
        types = ONLY_FOR.get(f"{action}.{name}")
        if types and case_type not in types and getattr(payload, name) is not None:
            raise Invalid("field_not_for_type", en="{field} does not apply to a {type} case (only to {types})",
                          zh="{type} 售后单不适用 {field}（仅适用于 {types}）",
                          field=name, type=case_type, types=", ".join(types))


def shipped(shipments: list[Shipment], as_of: datetime) -> bool:
    return any(s.shipped_at is None or s.shipped_at <= as_of for s in shipments)


def prepare(ctx: Ctx, store: Store, order: Order, case_type: str, wanted: list[LineQty], reason_code: str,
            claimed: Claimed, *, as_of: datetime, exclude_case_id: int | None = None,
            policy_version_id: int | bool | None = False, owed: bool = False,
            decided: RemedyDecision | None = None) -> Prepared:
    """`policy_version_id`: the version to decide under (a modified application keeps its own);
    False means the one in force now. `owed`: the merchant owes this remedy whatever the windows
    say (a replacement it did not ship in time), so the policy decides only who pays."""
    session = ctx.session
    orders.lock_order(ctx, order.id)  # before reading what other cases hold
    reason = reasons.pick(ctx, store, case_type, reason_code)
    by_no = {ln.line_no: ln for ln in orders.lines_of(ctx, order.id)}
    numbers = [w.line_no for w in wanted]
    if len(set(numbers)) != len(numbers):
        raise Invalid("duplicate_line_no", en="Each order line may appear once", zh="每个订单行只能出现一次",
                      line_nos=sorted({n for n in numbers if numbers.count(n) > 1}))
    for n in numbers:
        if n not in by_no:
            raise not_found("order_line", f"{order.order_no}#{n}")
    shipments = orders.shipments_of(ctx, order.id)
    if policy_version_id is False:
        policy_version_id, policy = policies.policy_in_force(ctx, store)
    else:
        policy = policies.policy_of_version(ctx, store.id, policy_version_id)
    was_shipped = shipped(shipments, as_of)
    received = claimed.received if claimed.received is not None else any(
        s.signed_at or s.delivered_at for s in shipments)
    claim = Claim(ground=reason.ground, goods_intact=claimed.goods_intact, unsealed=claimed.unsealed,
                  received=received and was_shipped, refused_delivery=claimed.refused_delivery,
                  asked_before_shipment=not was_shipped)
    decisions: dict[int, RemedyDecision] = {}
    for w in wanted:
        line = by_no[w.line_no]
        decision = decided or policies.evaluate(ctx, store, order, line, shipments, claim, as_of,
                                                policy).remedy(case_type)
        if not decision.allowed and not owed:
            raise refusal(decision, line.line_no, store)
        decisions[w.line_no] = decision
    lines = list(by_no.values())
    book = amounts.books(lines, repo.held_by_other_cases(session, order.id, exclude_case_id),
                         pools_of(order, lines, policy))
    refunds = case_type != "exchange"
    shares = [(by_no[w.line_no], amounts.share(book[by_no[w.line_no].id], w.qty, refunds=refunds)) for w in wanted]
    prepared = Prepared(reason=reason, shares=shares, policy_version_id=policy_version_id, decisions=decisions)
    first = decisions[wanted[0].line_no]
    prepared.return_payer, prepared.outbound_payer = first.shipping.return_, first.shipping.outbound
    taking = {ln.id: 0 for ln in lines}
    for line, s in shares:
        taking[line.id] = s.qty
    if refunds and policy.bundle_return_whole:
        _whole_bundles(order, lines, {ln.id: book[ln.id].refund_qty + taking[ln.id] for ln in lines}, taking)
    facts = rules.Facts(
        case_type=case_type, ground=reason.ground, shipped=was_shipped,
        whole_order=all(book[ln.id].refund_qty + taking[ln.id] == ln.qty for ln in lines),
        outbound_payer=prepared.outbound_payer, refused_delivery=claimed.refused_delivery,
        free_shipping=order.free_shipping, shipping_fee_fen=order.shipping_fee_fen,
        shipping_taken_fen=repo.shipping_taken(session, order.id, exclude_case_id) if refunds else 0,
        completed_before=order.completed_at is not None and order.completed_at <= as_of,
        coupons_as_cash=policy.refund_coupons_as_cash, red_packets_as_cash=policy.refund_red_packets_as_cash,
        points_as_cash=policy.refund_points_as_cash,
        deduct_free_shipping_postage=policy.deduct_outbound_postage_free_shipping,
        after_completion_fee_rate=rate_of(policy.after_completion_fee_rate))
    prepared.money = rules.decide(facts, prepared.goods_fen, prepared.pools())
    prepared.snapshot = snapshot(decisions, store)
    return prepared


def _whole_bundles(order: Order, lines: list[OrderLine], refunded: dict[int, int], taking: dict[int, int]) -> None:
    """A store that sells 套餐 whole takes them back whole [003]: every unit of every line of a
    bundle this application touches must be in a refund once it is made."""
    declared = {b["id"] for b in order.bundles or ()}
    for bundle in sorted({ln.bundle for ln in lines if ln.bundle and ln.bundle in declared and taking[ln.id]}):
        members = [ln for ln in lines if ln.bundle == bundle]
        short = [ln.line_no for ln in members if refunded[ln.id] < ln.qty]
        if short:
            raise Invalid("bundle_incomplete", en="Bundle {bundle} comes back whole: add lines {lines}",
                          zh="套餐 {bundle} 须整套退回，请同时退回订单行 {lines}", bundle=bundle, lines=short)


def pools_of(order: Order, lines: list[OrderLine], policy: StorePolicy) -> dict[int, dict[str, int]]:
    """Per order line (by id), its share of the order's shipping, vouchers by kind and 包邮 postage."""
    totals = {amounts.SHIPPING: order.shipping_fee_fen, amounts.COUPON: order.coupon_fen,
              amounts.RED_PACKET: order.red_packet_fen, amounts.POINTS: order.points_fen,
              amounts.POSTAGE: policy.free_shipping_postage_fen if order.free_shipping else 0}
    weights = [amounts.LineWeight(ln.qty, ln.qty * ln.unit_price_fen - ln.discount_fen - ln.bundle_discount_fen)
               for ln in lines]
    return {ln.id: parts for ln, parts in zip(lines, amounts.line_pools(weights, totals), strict=True)}


def refusal(decision: RemedyDecision, line_no: int, store: Store) -> Invalid:
    rule = decision.basis[0].rule if decision.basis else None
    return Invalid(decision.refusal_code or "not_eligible", en=decision.message_en or "Not eligible",
                   zh=decision.message_zh or "不符合申请条件", line_no=line_no, remedy=decision.type, rule=rule,
                   until=_iso(decision.until, store), basis=[b.rule for b in decision.basis])


def _iso(dt: datetime | None, store: Store) -> str | None:
    return local_iso(dt, store.timezone)


def snapshot(decisions: dict[int, RemedyDecision], store: Store) -> dict[str, Any]:
    """The policy's reasons, kept with the case: what was decided, until when, under which rule."""
    return {"lines": {str(n): {
        "until": _iso(d.until, store), "needs_review": d.needs_review,
        "refund_due_within_days": d.refund_due_within_days,
        "basis": [{"rule": b.rule, "zh": b.text_zh, "en": b.text_en} for b in d.basis],
        "deductions": [{"kind": x.kind, "amount_fen": x.amount_fen, "zh": x.text_zh, "en": x.text_en,
                        "rule": x.rule} for x in d.deductions],
        "shipping": {"return": d.shipping.return_, "outbound": d.shipping.outbound},
    } for n, d in decisions.items()}}


def write(step: Step, prepared: Prepared, *, photos: list[str], claimed: Claimed, urgent: bool,
          exchange_sku: str | None) -> None:
    ctx, case = step.ctx, step.case
    d = ReturnDetail(
        store_id=case.store_id, case_id=case.id, photos=photos, applied_at=ctx.clock.now(),
        policy_version_id=prepared.policy_version_id, refused_delivery=claimed.refused_delivery, urgent=urgent,
        exchange_sku=exchange_sku, price_difference_fen=0, refunded_fen=0, return_postage_fen=0, postage=None,
        price_difference_settled=prepared.money.exchange_postage_fen == 0,
        adjustment_fen=0, **_filled(prepared))
    repo.new_detail(ctx.session, d)  # later lookups in this unit of work cost no query
    settle(d, step.case.type)
    _write_lines(step, prepared)


def settle(d: ReturnDetail, case_type: str) -> None:
    """The refund amount follows the breakdown (an exchange refunds nothing)."""
    d.refund_fen = 0 if case_type == "exchange" else breakdown.total(d)


def _fill(d: ReturnDetail, prepared: Prepared) -> None:
    reviewer_vouchers = (d.rules or {}).get("vouchers") == breakdown.VOUCHERS_REVIEWER
    for key, value in _filled(prepared).items():
        setattr(d, key, value)
    if reviewer_vouchers and d.refund_vouchers is not None:  # the reviewer's word stands
        d.coupon_cash_fen = rules.vouchers_all(d.shares)
        d.rules = {**d.rules, "vouchers": breakdown.VOUCHERS_REVIEWER}


def _filled(prepared: Prepared) -> dict[str, object]:
    """The detail's fields that follow from the application (its reason, amounts, who pays the parcels)."""
    money = prepared.money
    pools = prepared.pools()
    return {
        "reason_code": prepared.reason.code, "ground": prepared.reason.ground, "quality": prepared.reason.quality,
        "goods_fen": prepared.goods_fen, "voucher_fen": prepared.voucher_fen, "shipping_fen": money.shipping_fen,
        "refund_shipping": money.refund_shipping, "coupon_cash_fen": money.coupon_cash_fen,
        "refund_vouchers": money.coupon_cash_fen > 0, "rules": dict(money.rules), "deductions": money.deductions,
        "shares": {k: pools[k] for k in (*amounts.VOUCHER_KINDS, amounts.POSTAGE)},
        "exchange_postage_fen": money.exchange_postage_fen,
        "return_payer": prepared.return_payer, "outbound_payer": prepared.outbound_payer,
        "eligibility": prepared.snapshot,
    }


def _write_lines(step: Step, prepared: Prepared, *, replace: bool = False) -> None:
    repo.set_lines(step.ctx.session, step.case.id, [
        CaseLine(store_id=step.case.store_id, case_id=step.case.id, order_line_id=line.id,
                 line_no=line.line_no, sku=line.sku, qty=s.qty, amount_fen=s.amount_fen, voucher_fen=s.voucher_fen,
                 shares=dict(s.pools))
        for line, s in prepared.shares], replace=replace)


def reapply(step: Step) -> None:
    """`modify` after a rejection: the same checks as the application, as of when it was made."""
    ctx, case, p = step.ctx, step.case, step.payload
    session = ctx.session
    d = repo.detail(session, case.id)
    store = session.get_one(Store, case.store_id)
    order = session.get_one(Order, case.order_id)
    current = repo.lines(session, case.id)
    wanted = p.lines or [LineQty(line_no=cl.line_no, qty=cl.qty) for cl in current]
    prepared = prepare(ctx, store, order, case.type, wanted, p.reason or d.reason_code,
                       Claimed(refused_delivery=d.refused_delivery), as_of=d.applied_at, exclude_case_id=case.id,
                       policy_version_id=d.policy_version_id)
    _fill(d, prepared)
    d.adjustment_fen, d.adjustment_reason = 0, None  # a new application: review starts afresh
    settle(d, case.type)
    _write_lines(step, prepared, replace=True)
    if p.description is not None:
        case.description = p.description
    if p.photos is not None:
        d.photos = p.photos
    if p.exchange_sku is not None and case.type == "exchange":
        d.exchange_sku = p.exchange_sku
    d.reject_reason = None
