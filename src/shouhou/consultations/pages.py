"""Pages of consultations: the console's new-consultation form and the portal's question form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.cases import service as cases
from shouhou.errors import ShouhouError
from shouhou.web import nav
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/cases/new", "New consultation", {"agent", "supervisor"}, order=15)


@router.get("/console/cases/new")
def new_case_form(request: Request, order_no: str = "", store: str = "", customer: str = "") -> Response:
    ctx = ctx_of(request)
    return render(request, "cases/new.html", ctx, error=None, stores=accounts.visible_stores(ctx),
                  form={"order_no": order_no, "store": store, "customer": customer})


@router.post("/console/cases/new")
async def new_case(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    body = {k: str(form.get(k, "")).strip() or None for k in ("store", "order_no", "customer", "subject",
                                                              "description", "channel", "priority")}
    body = {"type": "consultation", **{k: v for k, v in body.items() if v is not None}}
    try:
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, "cases/new.html", ctx, status=STATUS.get(exc.kind, 422), error=error_text(exc, ctx.lang),
                      form=body, stores=accounts.visible_stores(ctx))
    return RedirectResponse(f"/console/cases/{case.no}", status_code=303)


@router.get("/portal/consult")
def consult_form(request: Request, order_no: str = "") -> Response:
    ctx = ctx_of(request)
    return render(request, "portal/consult.html", ctx, error=None, form={"order_no": order_no})


@router.post("/portal/consult")
async def consult(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    body = {"type": "consultation", "channel": "portal", "subject": str(form.get("subject", "")).strip(),
            "description": str(form.get("description", "")).strip()}
    if str(form.get("order_no", "")).strip():
        body["order_no"] = str(form["order_no"]).strip()
    try:
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, "portal/consult.html", ctx, status=STATUS.get(exc.kind, 422),
                      error=error_text(exc, ctx.lang), form=body)
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)
