"""Use-cases of refunds, returns and exchanges: apply, read, finance, warehouse, stock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.accounts.service import store_for_caller
from shouhou.cases import service as cases
from shouhou.db.cache import by_ids
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import may, may_act, require
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import create_case, run_action
from shouhou.errors import Invalid, ShouhouError, forbidden, not_found
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, CaseLine, CaseShipment, Customer, Order, OrderLine, Refund, ReturnDetail, Store
from shouhou.models.returns import ReturnPickup
from shouhou.orders import service as orders
from shouhou.policy import RemedyDecision
from shouhou.returns import amounts, application, breakdown, reasons
from shouhou.returns import effects as fx
from shouhou.returns import repository as repo
from shouhou.returns.application import Claimed
from shouhou.returns.gateway import arrival_window
from shouhou.returns.schemas import ApplyIn


def preload(session: Session, case_id: int, found: dict[type, list]) -> None:
    """Keep the parcels, refunds and lines read along with the case for this unit of work."""
    repo.preloaded(session, case_id, shipments=found[CaseShipment], refunds=found[Refund],
                   pickups=found.get(ReturnPickup, []))
    repo.known_lines(session, case_id, found[CaseLine])


def create(ctx: Ctx, body: ApplyIn, *, decided: RemedyDecision | None = None) -> Case:
    """`decided`: the entitlement another context already established (a 三包 exchange or return a
    repair history made due), used instead of asking the policy again: no window refusal."""
    store, order, customer = orders.resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                             customer_external_id=None, lock_order=True)
    assert order is not None and customer is not None
    workflow = workflow_for(body.type)
    if not may_act(ctx.actor, workflow.create.roles, store.id, customer.id):
        raise forbidden(f"{body.type}.apply", store=store.code)
    application.only_its_fields(body.type, "apply", body)
    if body.type == "exchange" and not body.photos and decided is None:  # a 三包 proposal has its repair case
        # Seed 002 lists photos among an exchange's fields without "(选填)", unlike a return's.
        raise Invalid("photos_required", en="An exchange needs at least one photo of the goods",
                      zh="申请换货须上传至少一张商品图片", field="photos")
    claimed = Claimed(goods_intact=body.goods_intact, unsealed=body.unsealed, received=body.received,
                      refused_delivery=body.refused_delivery)
    now = ctx.clock.now()
    prepared = application.prepare(ctx, store, order, body.type, body.lines, body.reason, claimed, as_of=now,
                                   decided=decided)
    channel = body.channel or ("portal" if ctx.actor.customer_id else "api")
    case = Case(store_id=store.id, order_id=order.id, customer_id=customer.id, channel=channel,
                   priority="high" if body.urgent else "normal", description=body.description, data={},
                   subject=f"{ctx.stored(workflow.zh, workflow.en)} {order.order_no}")
    create_case(ctx, workflow, case, body, record={"refund_amount": yuan(prepared.refund_fen)},
                prepare=lambda step: application.write(step, prepared, photos=body.photos, claimed=claimed,
                                                       urgent=body.urgent, exchange_sku=body.exchange_sku))
    if body.type == "refund_only" and not application.shipped(orders.shipments_of(ctx, order.id), now):
        # Paid but not shipped: approved and refunded at once, by the system [002].
        system = ctx.as_system()
        run_action(system, case, "approve", case.version, {})
        if case.status == "pending_refund":
            run_action(system, case, "approve_refund", case.version, {})
    return case


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    session = ctx.session
    d = repo.detail(session, case.id)
    store = session.get_one(Store, case.store_id)
    tz = store.timezone
    case_lines = repo.lines(session, case.id)
    order_lines = by_ids(session, OrderLine, (cl.order_line_id for cl in case_lines))
    reason = reasons.describe_code(ctx, store, d.reason_code)
    ships = repo.shipments(session, case.id)
    refunds = case.type != "exchange"
    computed = breakdown.computed(d) if refunds else 0
    staff = not (ctx.actor.customer_id is not None and not may(ctx.actor, "case.read", case.store_id))
    return {
        "lines": [{"line_no": cl.line_no, "sku": cl.sku, "name": order_lines[cl.order_line_id].name,
                   "unit_price": yuan(order_lines[cl.order_line_id].unit_price_fen), "qty": cl.qty,
                   "amount": yuan(cl.amount_fen), "voucher": yuan(cl.voucher_fen)}
                  for cl in case_lines],
        "reason": d.reason_code,
        "reason_label": reasons.label(reason, ctx.lang) if reason else d.reason_code,
        "quality_problem": d.quality,
        "photos": d.photos,
        "refund_amount": yuan(d.refund_fen) if refunds else "0.00",
        "refunded_amount": yuan(d.refunded_fen),
        "computed_amount": yuan(computed),
        "refund_breakdown": [i.document(ctx.lang) for i in breakdown.lines(d)] if refunds else [],
        "amounts": {"goods": yuan(d.goods_fen), "vouchers": yuan(d.voucher_fen), "shipping": yuan(d.shipping_fen),
                    "refund_vouchers": d.refund_vouchers, "refund_shipping": d.refund_shipping,
                    "coupon_as_cash": yuan(d.coupon_cash_fen), "return_postage": yuan(d.return_postage_fen)},
        "adjustment": None if d.refund_fen >= computed or not refunds else {
            "amount": yuan(computed - d.refund_fen), "reason": d.adjustment_reason},
        "return_postage": _postage(d),
        "refunds": [_refund_doc(r, tz) for r in repo.refunds(session, case.id)],
        "return_shipment": _ship_doc(ships.get("return"), tz),
        "pickup": pickup_doc(repo.pickup(session, case.id), tz),
        "reship_shipment": _ship_doc(ships.get("reship"), tz),
        "return_address": None if not d.return_address else {
            "contact": d.return_contact, "phone": d.return_phone, "address": d.return_address},
        "shipping_responsibility": {"return": d.return_payer, "outbound": d.outbound_payer},
        "reject_reason": d.reject_reason,
        "reviewed_at": local_iso(d.reviewed_at, tz), "reviewed_by": d.reviewed_by if staff else None,
        "received_at": local_iso(d.received_at, tz), "receive_result": d.receive_result,
        "applied_at": local_iso(d.applied_at, tz),
        "urgent": d.urgent, "exchange_sku": d.exchange_sku,
        "exchange_name": orders.product_name(ctx, case.store_id, d.exchange_sku) if case.type == "exchange" else None,
        "price_difference": yuan(d.price_difference_fen) if case.type == "exchange" else None,
        "exchange_postage": yuan(d.exchange_postage_fen) if case.type == "exchange" else None,
        "price_difference_settled": d.price_difference_settled if case.type == "exchange" else None,
        "receipt_extension": _receipt_extension(case, tz) if case.type != "refund_only" else None,
        "arbitration": None if d.arbitration is None else {  # its time stored in UTC, shown in the store's zone
            **d.arbitration, "at": local_iso(datetime.fromisoformat(d.arbitration["at"]), tz)
            if d.arbitration.get("at") else None},
        "refund_case": (case.data or {}).get("refund_case"),  # an exchange turned into this refund
        "instead_of": (case.data or {}).get("instead_of"),  # the exchange this refund replaces
        "receipt_overdue_at": local_iso(d.receipt_overdue_at, tz),
        "reship_overdue_at": local_iso(d.reship_overdue_at, tz),
        "shipping_insurance": _insurance(d, tz) if d.insurance_status else None,
        "eligibility": d.eligibility,
        "policy_version_id": d.policy_version_id,
    }


def _postage(d: ReturnDetail) -> dict[str, Any] | None:
    """The buyer's return postage: claimed, with its receipt, and what is reimbursed."""
    p = d.postage
    if not p:
        return None
    return {"claimed": yuan(p["claimed_fen"]), "receipt": p.get("receipt"), "reimbursed": yuan(d.return_postage_fen),
            "cap": yuan(p.get("cap_fen") or 0), "rule": p.get("rule"), "note": p.get("note")}


def pickup_doc(p: ReturnPickup | None, tz: str) -> dict[str, Any] | None:
    """上门取件: the window, the address, and how far the booking went."""
    if p is None:
        return None
    return {"window_start": local_iso(p.window_start, tz), "window_end": local_iso(p.window_end, tz),
            "address": {"contact": p.contact, "phone": p.phone, "address": p.address}, "adapter": p.adapter,
            "status": p.status, "booking_ref": p.booking_ref, "carrier": p.carrier, "tracking_no": p.tracking_no,
            "requested_at": local_iso(p.requested_at, tz), "booked_at": local_iso(p.booked_at, tz),
            "picked_up_at": local_iso(p.picked_up_at, tz)}


PICKUP_STATUSES = ("requested", "booked", "picked_up", "cancelled")


def pickup_list(ctx: Ctx, store_code: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """The staff's pickup list: courier pickups to book or to collect (requested and booked by
    default), the earliest window first."""
    wanted = tuple(s for s in (status or "requested,booked").split(",") if s)
    unknown = sorted(set(wanted) - set(PICKUP_STATUSES))
    if unknown:
        raise Invalid("invalid_status", en="status is one of {allowed}", zh="status 须为 {allowed} 之一",
                      allowed=", ".join(PICKUP_STATUSES))
    rows = [(c, p) for c, p in repo.pickups(ctx.session, _finance_stores(ctx, store_code), wanted)
            if _may_take(ctx, c, "record_pickup")]
    stores = by_ids(ctx.session, Store, {c.store_id for c, _ in rows})
    summaries = cases.summaries(ctx, [c for c, _ in rows])
    return [{**s, "pickup": pickup_doc(p, stores[c.store_id].timezone)}
            for s, (c, p) in zip(summaries, rows, strict=True)]


def _insurance(d: ReturnDetail, tz: str) -> dict[str, Any]:
    return {"status": d.insurance_status, "due_at": local_iso(d.insurance_due_at, tz),
            "paid": yuan(d.insurance_paid_fen) if d.insurance_paid_fen is not None else None}


def _receipt_extension(case: Case, tz: str) -> dict[str, Any] | None:
    """延长收货 asked for so far: the days in all and each request."""
    done = fx.receipt_extensions(case)
    if not done:
        return None
    return {"days": fx.extended_days(done), "requests": [
        {"days": e["days"], "at": local_iso(datetime.fromisoformat(e["at"]), tz), "by": e["by"], "note": e["note"]}
        for e in done]}


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    lines = repo.lines(ctx.session, case.id)
    names = by_ids(ctx.session, OrderLine, (cl.order_line_id for cl in lines))
    return {"refund_amount": yuan(d.refund_fen) if case.type != "exchange" else None,
            "refunded_amount": yuan(d.refunded_fen), "reason": d.reason_code,
            "applied_at": local_iso(d.applied_at, tz), "reviewed_at": local_iso(d.reviewed_at, tz),
            "products": [{"sku": cl.sku, "name": names[cl.order_line_id].name, "qty": cl.qty} for cl in lines]}


def _refund_doc(r: Refund, tz: str) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "channel": r.channel, "amount": yuan(r.amount_fen), "status": r.status,
            "requested_at": local_iso(r.requested_at, tz), "time": local_iso(r.succeeded_at, tz),
            "expected_arrival": local_iso(r.expected_arrival_at, tz), "arrival_days": arrival_window(r.channel),
            "gateway": r.gateway, "gateway_ref": r.gateway_ref, "failure": r.failure}


def _ship_doc(s: Any, tz: str) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"carrier": s.carrier, "tracking_no": s.tracking_no, "payer": s.payer,
            "shipped_at": local_iso(s.shipped_at, tz), "received_at": local_iso(s.received_at, tz)}


def refund_callback(ctx: Ctx, refund_id: int, succeeded: bool, gateway_ref: str | None,
                    failure: str | None) -> Case:
    """The payment provider reports on an asynchronous refund."""
    refund = ctx.session.get(Refund, refund_id)
    if refund is None:
        raise not_found("refund", refund_id)
    case = ctx.session.get_one(Case, refund.case_id)
    if refund.status != "pending":
        raise Invalid("refund_not_pending", en="Refund {id} is already {status}", zh="退款 {id} 已是 {status} 状态",
                      id=refund_id, status=refund.status)
    payload = {"gateway_ref": refund.gateway_ref} | ({"failure": failure} if not succeeded and failure else {})
    run_action(ctx, case, "confirm_refund" if succeeded else "fail_refund", case.version, payload)
    if gateway_ref and succeeded:
        refund.gateway_ref = gateway_ref
    return case


def finance_queue(ctx: Ctx, store_code: str | None = None) -> list[Case]:
    """Only reviewer-approved cases reach finance: those waiting in pending_refund."""
    cases = repo.pending_refund_cases(ctx.session, _finance_stores(ctx, store_code))
    return [c for c in cases if _may_take(ctx, c, "approve_refund")]


def finance_rows(ctx: Ctx, store_code: str | None = None) -> list[dict[str, Any]]:
    """The finance refund list (seed 002): each case with its products — unit price, quantity and
    the line's refund — its application and review times and the case's total."""
    queue = finance_queue(ctx, store_code)
    by_case = repo.lines_of_cases(ctx.session, [c.id for c in queue])
    return [{**row, "lines": [{"line_no": cl.line_no, "sku": cl.sku, "name": ol.name, "unit_price": yuan(ol.unit_price_fen),
                               "qty": cl.qty, "amount": yuan(cl.amount_fen)} for cl, ol in by_case[c.id]],
             "award": repo.detail(ctx.session, c.id).arbitration is not None}  # the platform's, not a reviewer's
            for c, row in zip(queue, cases.summaries(ctx, queue), strict=True)]


def expected_parcels(ctx: Ctx, store_code: str | None = None) -> list[dict[str, Any]]:
    """The warehouse's start page: returns on their way (awaiting receipt) with carrier and tracking
    number, so that a parcel can be matched before it is scanned; the oldest first."""
    found, _ = cases.list_page(ctx, {"status": ["awaiting_receipt"], "store_code": store_code}, limit=200)
    rows = cases.summaries(ctx, found)
    stores = by_ids(ctx.session, Store, {c.store_id for c in found})
    for c, row in zip(found, rows, strict=True):
        row["parcel"] = _ship_doc(repo.shipments(ctx.session, c.id).get("return"), stores[c.store_id].timezone)
    return sorted(rows, key=lambda r: (r["parcel"] or {}).get("shipped_at") or "")


def _finance_stores(ctx: Ctx, store_code: str | None) -> set[int] | None:
    """The caller's stores (None: all), narrowed to `store_code` if given."""
    ids = ctx.actor.store_ids()
    if store_code:
        store = _store(ctx, store_code)
        ids = {store.id} if ids is None or store.id in ids else set()
    return ids


def _may_take(ctx: Ctx, case: Case, action: str) -> bool:
    declared = workflow_for(case.type).action(action)
    return declared is not None and may_act(ctx.actor, declared.roles, case.store_id, case.customer_id)


CLAIM_STATUSES = ("pending", "paid")


def insurance_claims(ctx: Ctx, store_code: str | None = None,
                     status: str | None = None) -> list[tuple[Case, dict[str, Any]]]:
    """运费险理赔: the shipping-insurance claims of refunded returns, for finance to follow
    up; those awaiting payout first, the earliest due first, `overdue` once the insurer's
    72 h have passed unpaid."""
    if status is not None and status not in CLAIM_STATUSES:
        raise Invalid("invalid_status", en="status is one of {allowed}", zh="status 须为 {allowed} 之一",
                      allowed=", ".join(CLAIM_STATUSES))
    rows = [(c, d) for c, d in repo.insurance_claims(ctx.session, _finance_stores(ctx, store_code), status)
            if _may_take(ctx, c, "record_insurance_payout")]
    stores = by_ids(ctx.session, Store, {c.store_id for c, _ in rows})
    now = ctx.clock.now()
    return [(c, {**_insurance(d, stores[c.store_id].timezone),
                 "overdue": d.insurance_status == "pending" and d.insurance_due_at is not None
                 and d.insurance_due_at < now}) for c, d in rows]


def batch_approve_refunds(ctx: Ctx, items: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Approve several refunds; each succeeds or fails on its own (a savepoint each)."""
    results = []
    for no, version in items:
        try:
            with ctx.session.begin_nested():
                case = cases.transition(ctx, no, "approve_refund", version, {})
            results.append({"no": no, "ok": True, "status": case.status, "version": case.version})
        except ShouhouError as exc:
            results.append({"no": no, "ok": False, "code": exc.code, "message": exc.message(ctx.lang)})
    return results


def unreceived(ctx: Ctx, store_code: str | None = None) -> list[dict[str, Any]]:
    """The warehouse's exceptions list: refunded (or reshipped) at the receipt deadline, the
    goods not yet received and inspected; the stock is booked when they are."""
    ids = _finance_stores(ctx, store_code)
    rows = [(c, d) for c, d in repo.unreceived(ctx.session, ids) if may(ctx.actor, "stock.read", c.store_id)]
    stores = by_ids(ctx.session, Store, {c.store_id for c, _ in rows})
    summaries = cases.summaries(ctx, [c for c, _ in rows])
    return [{**s, "receipt_overdue_at": local_iso(d.receipt_overdue_at, stores[c.store_id].timezone),
             "return_tracking_no": _return_tracking(ctx, c.id)} for s, (c, d) in zip(summaries, rows, strict=True)]


def _return_tracking(ctx: Ctx, case_id: int) -> str | None:
    parcel = repo.shipments(ctx.session, case_id).get("return")
    return parcel.tracking_no if parcel is not None else None


def find_for_receiving(ctx: Ctx, query: str) -> list[Case]:
    """A tracking number scanned at the dock, or a case number typed in."""
    return [c for c in repo.case_by_tracking_or_no(ctx.session, query.strip(), ctx.actor.store_ids())
            if may(ctx.actor, "stock.read", c.store_id)]


def stock_movements(ctx: Ctx, *, store_code: str | None = None, kind: str | None = None, sku: str | None = None,
                    since: Any = None, until: Any = None, limit: int = 200) -> list[dict[str, Any]]:
    ids = ctx.actor.store_ids()
    if store_code:
        store = _store(ctx, store_code)
        require(ctx.actor, "stock.read", store.id)
        ids = {store.id}
    elif ids is None:
        require(ctx.actor, "stock.read", None)
    else:
        ids = {i for i in ids if may(ctx.actor, "stock.read", i)}
        if not ids:
            require(ctx.actor, "stock.read", None)  # refuses: no store where the caller may read stock
    rows = repo.stock_movements(ctx.session, ids, kind=kind, sku=sku, since=since, until=until, limit=limit)
    stores = {s.id: s for s in ctx.session.scalars(select(Store).where(Store.id.in_({r.store_id for r in rows})))}
    cases = dict(ctx.session.execute(select(Case.id, Case.no).where(Case.id.in_({r.case_id for r in rows}))).all())
    return [{"id": r.id, "store": stores[r.store_id].code, "case_no": cases[r.case_id], "kind": r.kind,
             "kind_label": ctx.label(*KIND_LABELS[r.kind]), "sku": r.sku, "qty": r.qty,
             "at": local_iso(r.at, stores[r.store_id].timezone), "operator": r.operator, "note": r.note}
            for r in rows]


STOCK_HEADERS = ("id", "store", "case_no", "kind", "kind_label", "sku", "qty", "at", "operator", "note")
KIND_LABELS = {"return_in": ("退货入库", "Return in"), "exchange_in": ("换货入库", "Exchange in"),
               "aftersales_out": ("售后出库", "After-sales out")}


def _store(ctx: Ctx, code: str) -> Store:
    return store_for_caller(ctx, code)  # a store the caller holds no role in is not found


def order_after_sales(ctx: Ctx, order: Order) -> list[dict[str, Any]]:
    """Per order line: units and money already taken by after-sales cases, and what is left."""
    lines = orders.lines_of(ctx, order.id)
    book = amounts.books(lines, repo.held_by_other_cases(ctx.session, order.id, None))
    return [{"line_no": ln.line_no, "qty": ln.qty, "held_qty": book[ln.id].held_qty,
             "available_qty": ln.qty - book[ln.id].held_qty, "refund_qty": book[ln.id].refund_qty,
             "refund_amount": yuan(book[ln.id].refund_fen), "paid": yuan(ln.paid_fen)} for ln in lines]



def claim_rows(ctx: Ctx, store: str | None, status: str | None) -> list[dict[str, Any]]:
    """The case list's columns of each claim's case, with the claim as `shipping_insurance`."""
    claims = insurance_claims(ctx, store, status)
    summaries = cases.summaries(ctx, [c for c, _ in claims])
    return [{**s, "shipping_insurance": claim} for s, (_, claim) in zip(summaries, claims, strict=True)]


def pickup_contact(ctx: Ctx, case: Case) -> dict[str, str]:
    """Who and where a courier collects from, as far as known: the case's last pickup (one cancelled
    and booked again), else the buyer's name, phone and address from the order."""
    last = repo.pickup(ctx.session, case.id)
    if last is not None:
        return {"contact": last.contact, "phone": last.phone, "address": last.address}
    buyer = ctx.session.get(Customer, case.customer_id) if case.customer_id else None
    return {"contact": buyer.name, "phone": buyer.phone, "address": buyer.address} if buyer else {}


def exchange_sku_of(ctx: Ctx, case: Case) -> str | None:
    return repo.detail(ctx.session, case.id).exchange_sku


def describe_lines(ctx: Ctx, case: Case) -> list[dict[str, Any]]:
    """The case's products: line, SKU, quantity."""
    return [{"line_no": cl.line_no, "sku": cl.sku, "qty": cl.qty} for cl in repo.lines(ctx.session, case.id)]


def order_shipped(ctx: Ctx, order: Order) -> bool:
    """Whether any of the order has been shipped yet (before that, only a refund without return)."""
    return application.shipped(orders.shipments_of(ctx, order.id), ctx.clock.now())
