"""Use-cases of logistics cases (物流异常): registering one, reading it, and the damage register."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import is_customer_view
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import Step, create_case
from shouhou.errors import Conflict, Invalid, forbidden
from shouhou.fields import local_iso, yuan
from shouhou.logistics import register as book
from shouhou.logistics import repository as repo
from shouhou.logistics.schemas import LogisticsIn
from shouhou.logistics.workflow import WORKFLOW
from shouhou.models import Case, Order, Shipment, Store
from shouhou.models.logistics import LogisticsDetail
from shouhou.orders import service as orders

# Who reads the damage register: those who chase carriers, and finance, which books what they pay.
READERS = frozenset({"agent", "supervisor", "warehouse", "finance", "admin"})
ENDED = tuple(s.name for s in WORKFLOW.states if s.terminal)


def create(ctx: Ctx, body: LogisticsIn) -> Case:
    store, order, customer = orders.resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                                    customer_external_id=body.customer)
    shipment = _shipment(ctx, order, (body.tracking_no or "").strip())
    tracking = (body.tracking_no or "").strip() or (shipment.tracking_no if shipment else "")
    carrier = (body.carrier or "").strip() or (shipment.carrier if shipment else "")
    if not carrier:
        raise Invalid("carrier_required", en="Say which carrier has the parcel (carrier)",
                      zh="请填写快递公司（carrier）", field="carrier")
    skus = _skus(ctx, order, body.skus)
    open_no = repo.open_case_for(ctx.session, store.id, tracking, ENDED)
    if open_no is not None:  # one case per parcel: two people would call the carrier about it
        raise Conflict("logistics_case_open", en="Case {case} about parcel {tracking_no} is still open",
                       zh="运单 {tracking_no} 已有处理中的物流异常单 {case}", case=open_no, tracking_no=tracking)
    workflow = workflow_for(WORKFLOW.type)
    case = Case(store_id=store.id, order_id=order.id if order else None, customer_id=customer.id if customer else None,
                channel=body.channel or ("portal" if ctx.actor.customer_id else "api"), priority=body.priority,
                description=body.description, data={},
                subject=f"{ctx.stored(workflow.zh, workflow.en)} {carrier} {tracking}")

    def write(step: Step) -> None:
        repo.add(ctx.session, LogisticsDetail(
            store_id=store.id, case_id=step.case.id, carrier=carrier, tracking_no=tracking,
            shipped_at=shipment.shipped_at if shipment else None, problem=body.problem, skus=skus,
            recorded_by=ctx.actor.name, queries=[], evidence={}))

    create_case(ctx, workflow, case, body, record={"carrier": carrier, "tracking_no": tracking, "skus": skus,
                                                   "photos": list(body.photos)}, prepare=write)
    return case


def _shipment(ctx: Ctx, order: Order | None, tracking: str) -> Shipment | None:
    """The order's parcel the case is about: the one with this tracking number, else its only one."""
    parcels = orders.shipments_of(ctx, order.id) if order else []
    if tracking:
        return next((s for s in parcels if s.tracking_no == tracking), None)
    if len(parcels) == 1:
        return parcels[0]
    raise Invalid("tracking_required", en="Say which parcel: give its tracking number (tracking_no)",
                  zh="请填写运单号（tracking_no）", field="tracking_no", parcels=len(parcels))


def _skus(ctx: Ctx, order: Order | None, given: list[str]) -> list[str]:
    """The items in the parcel: those given (of the order, when there is one), else all of the order's."""
    wanted = list(dict.fromkeys(s.strip() for s in given))
    if order is None:
        return wanted
    known = list(dict.fromkeys(line.sku for line in orders.lines_of(ctx, order.id)))
    stray = [s for s in wanted if s not in known]
    if stray:
        raise Invalid("sku_not_in_order", en="{sku} is not an item of order {order_no}",
                      zh="{sku} 不是订单 {order_no} 中的商品", sku=stray[0], order_no=order.order_no, field="skus")
    return wanted or known


def goods_value(ctx: Ctx, case: Case, skus: list[str]) -> int | None:
    """What the buyer paid for the parcel's items (fen), from the order; None without one."""
    if case.order_id is None:
        return None
    return sum(line.paid_fen for line in orders.lines_of(ctx, case.order_id) if not skus or line.sku in skus)


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    staff = not is_customer_view(ctx.actor, case.store_id)
    report = None
    if d.reported_at is not None and d.report_kind:
        # The buyer reads that the carrier was told, and when; not the sender's ID nor the team's names.
        facts = {"reported_by": d.reported_by, "agent_id": d.carrier_agent_id,
                 "shipped_on": d.shipped_on.isoformat() if d.shipped_on else None, "delivery_area": d.delivery_area,
                 "delivery_result": d.delivery_result, "goods_value": yuan(d.goods_value_fen),
                 "evidence": d.evidence, "note": d.report_note}
        report = {"condition": d.report_kind, "reported_at": local_iso(d.reported_at, tz),
                  **(facts if staff else dict.fromkeys(facts))}
    claim = None
    if staff and d.reported_at is not None:
        claim = {"answer": book.answer(d.carrier_answer), "compensation": yuan(d.compensation_fen),
                 "claim_no": d.claim_no, "answered_at": local_iso(d.answered_at, tz), "answered_by": d.answered_by,
                 "note": d.answer_note}
    return {
        "carrier": d.carrier, "tracking_no": d.tracking_no, "shipped_at": local_iso(d.shipped_at, tz),
        "problem": d.problem, "skus": list(d.skus or ()), "recorded_by": d.recorded_by if staff else None,
        "queries": [{**q, "at": local_iso(datetime.fromisoformat(q["at"]), tz), "by": q.get("by") if staff else None}
                    for q in d.queries or ()],
        "report": report, "claim": claim, "outcome": d.outcome, "resolution": d.resolution,
        "resolved_at": local_iso(d.resolved_at, tz), "reship_carrier": d.reship_carrier,
        "reship_tracking_no": d.reship_tracking_no,
    }


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    """A list row's part: the buyer does not read what the carrier paid the shop."""
    d = repo.detail(ctx.session, case.id)
    staff = not is_customer_view(ctx.actor, case.store_id)
    return {"carrier": d.carrier, "tracking_no": d.tracking_no, "problem": d.problem, "condition": d.report_kind,
            "compensation": yuan(d.compensation_fen) if staff else None}


def register(ctx: Ctx, store_code: str | None, month: str) -> dict[str, Any]:
    """破损登记簿: the store's damage and loss reports made in `month` (its zone), with their totals."""
    if not book.is_month(month):
        raise Invalid("invalid_month", en="A month is yyyy-mm, e.g. 2026-12", zh="月份格式为 yyyy-mm，例如 2026-12",
                      field="month")
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & READERS:
        raise forbidden("logistics.register", store=store.code)
    tz = ZoneInfo(store.timezone)
    start, end = book.bounds(month, tz)
    rows = repo.reports_between(ctx.session, store.id, start, end)
    items, entries = [], []
    for d, no, status, order_no in rows:
        answer = book.answer(d.carrier_answer)
        entries.append(book.Entry(d.report_kind, d.goods_value_fen or 0, answer, d.compensation_fen))
        items.append({
            "reported_on": d.reported_at.astimezone(tz).date().isoformat(), "reported_at": local_iso(d.reported_at, tz),
            "case": no, "order_no": order_no, "carrier": d.carrier, "tracking_no": d.tracking_no,
            "condition": d.report_kind, "carrier_agent": d.carrier_agent_id, "goods_value": yuan(d.goods_value_fen),
            "skus": list(d.skus or ()), "handled_by": d.reported_by, "answer": answer,
            "compensation": yuan(d.compensation_fen), "status": status})
    t = book.totals(entries)
    return {"store": store.code, "month": month, "items": items, "totals": {
        "reports": t["reports"], "damaged": t["damaged"], "lost": t["lost"], "goods_value": yuan(t["goods_value_fen"]),
        "compensation": yuan(t["compensation_fen"]), "pending": t["pending"]}}


def this_month(ctx: Ctx, store: Store) -> str:
    return book.month_of(ctx.clock.now(), ZoneInfo(store.timezone))
