"""Use-cases of complaints (投诉): registering one, reading it, and the accountability report."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.calendar import months
from shouhou.cases import service as cases
from shouhou.complaints import accountability, analysis
from shouhou.complaints import repository as repo
from shouhou.complaints.schemas import ComplaintIn
from shouhou.complaints.workflow import WORKFLOW
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import is_customer_view
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import Step, create_case
from shouhou.errors import Invalid, forbidden
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, CaseLink, Store, User
from shouhou.models.complaint import ComplaintDetail
from shouhou.orders import service as orders

# Who reads the accountability report: it names staff and suppliers.
READERS = frozenset({"supervisor", "admin"})


def create(ctx: Ctx, body: ComplaintIn) -> Case:
    store, order, customer = orders.resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                                    customer_external_id=body.customer)
    complainant = (body.complainant or "").strip() or (customer.name if customer else "")
    if not complainant:
        raise Invalid("complainant_required", en="Say who complains (complainant), or name the customer or order",
                      zh="请填写投诉人，或指明客户或订单", field="complainant")
    about = _about(ctx, body.case_no, store.id, order.id if order else None, customer.id if customer else None)
    workflow = workflow_for(WORKFLOW.type)
    channel = body.channel or ("portal" if ctx.actor.customer_id else "api")
    # Named only by the case complained about, it is about that case's order and customer (so its buyer sees it).
    order_id = order.id if order else (about.order_id if about else None)
    customer_id = customer.id if customer else (about.customer_id if about else None)
    case = Case(store_id=store.id, order_id=order_id, customer_id=customer_id, channel=channel, priority=body.priority,
                description=body.reason, data={},
                subject=f"{ctx.stored(workflow.zh, workflow.en)} {order.order_no if order else complainant}")

    def write(step: Step) -> None:
        repo.add(ctx.session, ComplaintDetail(
            store_id=store.id, case_id=step.case.id, about_case_id=about.id if about else None,
            complainant=complainant, company=_filled(body.company),
            phone=_filled(body.phone) or (customer.phone if customer else None) or None,
            address=_filled(body.address) or (customer.address if customer else None) or None,
            category=body.category, recorded_by=ctx.actor.name, tasks=[], follow_ups=[]))
        if about is not None:  # shown on both cases
            ctx.session.add(CaseLink(store_id=store.id, case_id=step.case.id, other_case_id=about.id,
                                     kind="complaint_about", created_at=ctx.clock.now()))

    create_case(ctx, workflow, case, body, record={"category": body.category, "about": body.case_no,
                                                   "photos": list(body.photos)}, prepare=write)
    return case


def _filled(text: str | None) -> str | None:
    return (text or "").strip() or None


def _about(ctx: Ctx, case_no: str | None, store_id: int, order_id: int | None, customer_id: int | None) -> Case | None:
    """The after-sales case complained about: of the same store, and the same order or customer."""
    if not case_no:
        return None
    about = cases.get(ctx, case_no)
    if about.store_id != store_id or (order_id is not None and about.order_id != order_id) or (
            customer_id is not None and about.customer_id not in (None, customer_id)):
        raise Invalid("case_not_of_order", en="Case {case} is not about this order or customer",
                      zh="售后单 {case} 与该订单或客户无关", case=case_no, field="case_no")
    return about


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = repo.detail(ctx.session, case.id)
    tz = ctx.session.get_one(Store, case.store_id).timezone
    about = ctx.session.get(Case, d.about_case_id) if d.about_case_id else None
    staff_side = not is_customer_view(ctx.actor, case.store_id)
    staff = ctx.session.get(User, d.responsible_user_id) if d.responsible_user_id else None
    proposal = None
    # The finding is the team's business: a buyer reads the settlement, and only once it is approved.
    if d.proposal is not None and d.remedy and (staff_side or d.approved_at is not None):
        proposal = {
            "substantiated": d.substantiated if staff_side else None,
            "responsible": d.responsible if staff_side else None,
            "responsible_staff": staff.username if staff and staff_side else None,
            "responsible_department": d.responsible_department if staff_side else None,
            "supplier": d.supplier if staff_side else None, "remedy": d.remedy, "description": d.proposal,
            "compensation": yuan(d.compensation_fen), "goods": d.goods, "gift": d.gift,
            "proposed_by": d.proposed_by if staff_side else None, "approved_at": local_iso(d.approved_at, tz),
            "approved_by": d.approved_by if staff_side else None}
    return {
        "about_case": about.no if about else None, "complainant": d.complainant, "company": d.company,
        "phone": d.phone, "address": d.address, "category": d.category,
        "recorded_by": d.recorded_by if staff_side else None,
        "restatement": d.restatement, "wish": d.wish, "proposal": proposal,
        "agreed_at": local_iso(d.agreed_at, tz), "signed_by": d.signed_by,
        "tasks": [{**t, "done_at": local_iso(datetime.fromisoformat(t["done_at"]), tz) if t.get("done_at") else None,
                   "done_by": t.get("done_by") if staff_side else None} for t in d.tasks or ()],
        # A buyer reads when they were called and what they said, not the caller's name nor the team's notes.
        "follow_ups": [{**f, "at": local_iso(datetime.fromisoformat(f["at"]), tz),
                        "by": f["by"] if staff_side else None, "note": f.get("note") if staff_side else None}
                       for f in d.follow_ups or ()],
        "satisfied": d.satisfied,
    }


def summarize(ctx: Ctx, case: Case) -> dict[str, Any]:
    """A list row's part: the buyer sees neither the finding nor an amount not yet approved."""
    d = repo.detail(ctx.session, case.id)
    staff_side = not is_customer_view(ctx.actor, case.store_id)
    return {"category": d.category,
            "substantiated": (d.found_at is not None) if staff_side and d.approved_at else None,
            "compensation": yuan(d.compensation_fen) if staff_side or d.approved_at else None}


def _report_scope(ctx: Ctx, store_code: str | None, month: str) -> tuple[Store, ZoneInfo, datetime]:
    """The store (whose supervisors and admins read the reports), its zone, and the month's end."""
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & READERS:
        raise forbidden("complaint.accountability", store=store.code)
    tz = ZoneInfo(store.timezone)
    return store, tz, months.bounds(month, tz)[1]


def monthly_analysis(ctx: Ctx, store_code: str | None, month: str) -> dict[str, Any]:
    """The month's complaint analysis (analysis.py), money in yuan."""
    store, tz, until = _report_scope(ctx, store_code, month)
    rows = [analysis.Row(created, closed, status, category, found, agreed, fen,
                         tuple((datetime.fromisoformat(f["at"]), bool(f["satisfied"]), f.get("score"))
                               for f in follow_ups or ()))
            for created, closed, status, category, found, agreed, fen, follow_ups
            in repo.complaints_until(ctx.session, store.id, until)]
    out = analysis.summarize(rows, month, tz)
    return {"store": store.code, **{k: v for k, v in out.items() if k != "compensation_fen"},
            "compensation": yuan(out["compensation_fen"])}


def accountability_report(ctx: Ctx, store_code: str | None, month: str) -> dict[str, Any]:
    """Founded complaints per staff member, department and supplier for a month, with what the
    rules call for (accountability.py); dated by the first approval of the finding."""
    store, tz, until = _report_scope(ctx, store_code, month)
    found = [accountability.Finding(month=months.local_month(at, tz), responsible=kind,
                                    staff=user, department=dept, supplier=supplier)
             for at, kind, user, dept, supplier in repo.findings_until(ctx.session, store.id, until)]
    return {"store": store.code, "month": month, **accountability.tally(found, month)}
