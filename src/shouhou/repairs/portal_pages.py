"""The customer portal's repair service: register a repair for one of my units (or book an
installation for an order line), and see my repair cases. A case's own page is the portal's case
page (cases context) with this type's part (repairs/_case.html): appointment, where the unit is,
the quote to accept or decline, and the rating."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.api.errors import STATUS
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import ShouhouError
from shouhou.models import Customer, Store
from shouhou.orders import service as orders
from shouhou.repairs import page_forms, settings
from shouhou.units import service as units
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)


def _context(ctx: Ctx, order_no: str) -> dict[str, Any]:
    mine, _ = units.list_page(ctx, {}, limit=100)
    rows, _ = cases.list_page(ctx, {}, limit=100)
    repairs = [r for r in cases.summaries(ctx, rows) if r["type"] in ("repair", "installation")]
    customer = ctx.session.get(Customer, ctx.actor.customer_id) if ctx.actor.customer_id else None
    order = None
    if order_no:
        found = orders.find_order(ctx, order_no)
        orders.require_order_access(ctx, found)
        order = orders.document(ctx, found)
    store_id = customer.store_id if customer else (mine[0].store_id if mine else None)
    codes = list(settings.fault_codes(ctx, store_id).values()) if store_id else []
    return {"units": [units.document(ctx, u, full=False) for u in mine], "repairs": repairs, "customer": customer,
            "order": order, "fault_codes": codes, "today": ctx.clock.now().date().isoformat()}


@router.get("/portal/repairs")
def my_repairs(request: Request, order_no: str = "") -> Response:
    ctx = ctx_of(request)
    return render(request, "repairs/portal.html", ctx, error=None, form={}, **_context(ctx, order_no))


@router.post("/portal/repairs")
async def register(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    customer = ctx.session.get(Customer, ctx.actor.customer_id) if ctx.actor.customer_id else None
    body: dict[str, Any] = {}
    try:
        tz = ZoneInfo(ctx.session.get_one(Store, customer.store_id).timezone) if customer else ZoneInfo("Asia/Shanghai")
        kind = str(form.get("type") or "repair")
        contact = {"name": str(form.get("name") or (customer.name if customer else "")).strip(),
                   "phone": str(form.get("phone") or (customer.phone if customer else "")).strip(),
                   "address": str(form.get("address") or (customer.address if customer else "")).strip(),
                   "district": str(form.get("district") or "").strip()}
        body = {"type": kind, "channel": "portal", "contact": contact}
        if kind == "installation":
            body |= {"order_no": str(form.get("order_no") or ""), "line_no": int(str(form.get("line_no") or 1))}
        else:
            body |= {"serial": str(form.get("serial") or ""), "fault": str(form.get("fault") or "").strip(),
                     "mode": str(form.get("mode") or "onsite")}
            if form.get("fault_code"):
                body["fault_code"] = str(form["fault_code"])
        preferred = page_forms.preferred(form, tz)
        if preferred:
            body["preferred_time"] = preferred
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, "repairs/portal.html", ctx, status=STATUS.get(exc.kind, 422),
                      error=error_text(exc, ctx.lang), form=body, **_context(ctx, str(form.get("order_no") or "")))
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)
