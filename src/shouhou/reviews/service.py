"""Use-cases of review handling (中差评): logging one, reading it, the month's register."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.calendar import months
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import Step, create_case
from shouhou.errors import Conflict, forbidden
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, Customer, Store
from shouhou.models.review import ReviewDetail
from shouhou.orders import service as orders
from shouhou.reviews import repository as repo
from shouhou.reviews.schemas import ReviewIn
from shouhou.reviews.workflow import CONTACT_GAP, MAX_CONTACTS, WORKFLOW

READERS = frozenset({"agent", "supervisor", "admin"})


def create(ctx: Ctx, body: ReviewIn) -> Case:
    store, order, customer = orders.resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                                    customer_external_id=None)
    assert order is not None
    if repo.open_on(ctx.session, order.id, body.platform, body.sku):
        raise Conflict("review_open", en="This review of order {order_no} is already being handled",
                       zh="订单 {order_no} 的这条评价已在处理中", order_no=order.order_no)
    workflow = workflow_for(WORKFLOW.type)
    # The case names no customer: the buyer never sees the shop's handling of their review.
    case = Case(store_id=store.id, order_id=order.id, customer_id=None,
                channel="taobao" if body.platform in ("taobao", "tmall") else "online",
                priority="high" if body.rating == "negative" else "normal", description=body.content, data={},
                subject=f"{ctx.stored(workflow.zh, workflow.en)} {order.order_no}")

    def write(step: Step) -> None:
        repo.add(ctx.session, ReviewDetail(
            store_id=store.id, case_id=step.case.id, customer_id=customer.id if customer else None,
            platform=body.platform, rating=body.rating, content=body.content, reviewed_at=body.reviewed_at,
            sku=body.sku, photos=list(body.photos), contacts=[]))

    create_case(ctx, workflow, case, body, record={"rating": body.rating, "platform": body.platform}, prepare=write)
    return case


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    customer = ctx.session.get(Customer, d.customer_id) if d.customer_id else None
    contacts = d.contacts or ()
    last = datetime.fromisoformat(contacts[-1]["at"]) if contacts else None
    return {
        "platform": d.platform, "rating": d.rating, "content": d.content, "reviewed_at": local_iso(d.reviewed_at, tz),
        "sku": d.sku, "photos": list(d.photos or ()),
        "buyer": f"{customer.external_id} {customer.name}".strip() if customer else None,
        "cause": d.cause, "need": d.need, "attitude": d.attitude,
        "contacts": [{"at": local_iso(datetime.fromisoformat(c["at"]), tz), "by": c["by"], "channel": c["channel"],
                      "message": c["message"], "offer": c["offer"], "amount": yuan(c.get("amount_fen")),
                      "answer": c.get("answer")} for c in contacts],
        "contacts_left": max(0, MAX_CONTACTS - len(contacts)),
        "next_contact_from": local_iso(last + CONTACT_GAP, tz) if last and len(contacts) < MAX_CONTACTS else None,
        "offered": yuan(d.offer_fen), "outcome": d.outcome, "outcome_at": local_iso(d.outcome_at, tz),
    }


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    return {"rating": d.rating, "platform": d.platform, "outcome": d.outcome}


def register(ctx: Ctx, store_code: str | None, month: str) -> dict[str, Any]:
    """The month's reviews by when they were written (the 中差评处理表), with counts by rating and cause."""
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & READERS:
        raise forbidden("review.register", store=store.code)
    tz = ZoneInfo(store.timezone)
    rows = repo.written_between(ctx.session, store.id, *months.bounds(month, tz))
    causes = Counter(d.cause for _, d, _ in rows)
    ended = [d for _, d, _ in rows if d.outcome]
    return {
        "store": store.code, "month": month,
        "neutral": sum(1 for _, d, _ in rows if d.rating == "neutral"),
        "negative": sum(1 for _, d, _ in rows if d.rating == "negative"),
        "by_cause": [{"cause": c, "count": n} for c, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0] or ""))],
        "ended": len(ended), "revised": sum(1 for d in ended if d.outcome == "revised"),
        "items": [{"case": c.no, "status": c.status, "reviewed_at": local_iso(d.reviewed_at, tz),
                   "platform": d.platform, "rating": d.rating, "order_no": no, "sku": d.sku, "content": d.content,
                   "cause": d.cause, "contacts": len(d.contacts or ()), "offered": yuan(d.offer_fen),
                   "outcome": d.outcome} for c, d, no in rows],
    }
