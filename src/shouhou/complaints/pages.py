"""Pages of complaints: the console's register form, list and accountability report; the
portal's complaint form. A complaint's own page is the generic case page with complaints/_case.html."""

from __future__ import annotations

import re
from typing import Any, get_args
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.calendar import months
from shouhou.cases import service as cases
from shouhou.complaints import service
from shouhou.complaints.schemas import Category, Channel
from shouhou.complaints.workflow import OPEN, WORKFLOW
from shouhou.errors import ShouhouError, forbidden
from shouhou.web import nav
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
REGISTRARS = nav.may_take([WORKFLOW], "investigate")  # those who take a complaint also register one
nav.register("/console/complaints", "Complaints", nav.may_take([WORKFLOW], "investigate", "approve_proposal",
                                                                "pay_compensation", "ship_goods") | service.READERS,
             order=56)
# The accountability report and the analysis are linked from the list (one menu entry per kind of work).
CATEGORIES = get_args(Category)
STAFF_CHANNELS = tuple(c for c in get_args(Channel) if c not in ("portal", "api"))
FIELDS = ("store", "order_no", "customer", "case_no", "complainant", "company", "phone", "address", "category",
          "reason", "channel", "priority")


@router.get("/console/complaints")
def complaints(request: Request, status: str = ",".join(OPEN)) -> Response:
    ctx = ctx_of(request)
    rows, _ = cases.list_page(ctx, {"type": "complaint", "status": [s for s in status.split(",") if s] or None},
                              limit=200)
    return render(request, "complaints/list.html", ctx, rows=cases.summaries(ctx, rows), statuses=status,
                  registers=bool(ctx.actor.roles & REGISTRARS), reads_reports=bool(ctx.actor.roles & service.READERS))


def _form_page(request: Request, ctx: Any, form: dict[str, Any], error: str | None = None, status: int = 200):
    return render(request, "complaints/new.html", ctx, status=status, error=error, form=form,
                  stores=accounts.visible_stores(ctx), categories=CATEGORIES, channels=STAFF_CHANNELS)


@router.get("/console/complaints/new")
def new_complaint_form(request: Request, order_no: str = "", store: str = "", customer: str = "",
                       case_no: str = "") -> Response:
    ctx = ctx_of(request)
    return _form_page(request, ctx, {"order_no": order_no, "store": store, "customer": customer,
                                     "case_no": case_no, "channel": "hotline", "priority": "high"})


@router.post("/console/complaints/new")
async def new_complaint(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    sent = {k: str(form.get(k, "")).strip() for k in FIELDS}
    body = {"type": "complaint", **{k: v for k, v in sent.items() if v}}
    try:
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _form_page(request, ctx, sent, error_text(exc, ctx.lang), STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/cases/{case.no}", status_code=303)


@router.get("/console/complaints/accountability")
def accountability_page(request: Request, month: str = "", store: str = "") -> Response:
    ctx = ctx_of(request)
    stores = [s for s in accounts.visible_stores(ctx) if ctx.actor.roles_in(s.id) & service.READERS]
    if not stores:
        raise forbidden("complaint.accountability")
    chosen = next((s for s in stores if s.code == store), stores[0] if stores else None)
    if not re.match(months.MONTH_PATTERN, month):  # this month in the store's zone
        month = months.local_month(ctx.clock.now(), ZoneInfo(chosen.timezone if chosen else "Asia/Shanghai"))
    report, summary, error = None, None, None
    if chosen is not None:
        try:
            report = service.accountability_report(ctx, chosen.code, month)
            summary = service.monthly_analysis(ctx, chosen.code, month)
        except ShouhouError as exc:
            error = error_text(exc, ctx.lang)
    return render(request, "complaints/accountability.html", ctx, report=report, summary=summary, error=error,
                  month=month,
                  stores=stores, store=chosen.code if chosen else "",
                  previous=months.shift(month, -1), following=months.shift(month, 1))


# -- the customer portal (PortalOffer.link of `complaint`) --------------------------------------

@router.get("/portal/complaints/new")
def portal_complaint_form(request: Request, order_no: str = "") -> Response:
    ctx = ctx_of(request)
    return render(request, "complaints/portal_new.html", ctx, error=None, form={"order_no": order_no},
                  categories=CATEGORIES)


@router.post("/portal/complaints/new")
async def portal_complaint(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    sent = {k: str(form.get(k, "")).strip() for k in ("order_no", "category", "reason", "phone")}
    body = {"type": "complaint", "channel": "portal", **{k: v for k, v in sent.items() if v}}
    try:
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, "complaints/portal_new.html", ctx, status=STATUS.get(exc.kind, 422),
                      error=error_text(exc, ctx.lang), form=sent, categories=CATEGORIES)
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)
