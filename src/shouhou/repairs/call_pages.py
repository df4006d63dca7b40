"""The console's call registration (叫修登记, SPEC §5): an agent takes a repair or an installation by phone
or at the counter — the product by serial (its warranty shown at once) or by model when it is not on
record, who calls, where, what is wrong — and the case opens through the same service as the API's."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import NotFound, ShouhouError
from shouhou.models import Customer
from shouhou.repairs import page_forms, settings
from shouhou.units import service as units
from shouhou.web import nav
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
TAKERS = frozenset({"agent", "supervisor"})  # who answers the phone for the service department
nav.register("/console/repairs/new", "Register a repair", TAKERS, order=19)

CHANNELS = ("hotline", "counter", "wechat", "email", "visit", "contract")
TEXT = ("store", "type", "kind", "serial", "order_no", "line_no", "model", "category", "customer", "name", "phone",
        "address", "district", "fault", "fault_code", "mode", "channel", "priority", "description", "day", "part")


def _record(ctx: Ctx, serial: str, store: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The product on record with its warranty now, and who calls and where as far as its record knows;
    (None, {}) when it is not on record (it is then entered by model)."""
    if not serial:
        return None, {}
    try:
        found = units.find(ctx, serial, store or None)
    except NotFound:
        return None, {}
    doc = units.document(ctx, found, full=False)
    customer = ctx.session.get(Customer, found.customer_id) if found.customer_id else None  # the document read it
    known = {"store": doc["store"], "customer": doc["customer"] or "", "name": doc["customer_name"] or "",
             "address": found.address or (customer.address if customer else ""), "district": found.district}
    return doc, known | ({"phone": customer.phone} if customer else {})


def _page(request: Request, ctx: Ctx, form: dict[str, str], *, error: str | None = None,
          status: int = 200) -> Response:
    stores = accounts.visible_stores(ctx)
    unit, known = _record(ctx, form.get("serial", ""), form.get("store", ""))
    form = {**known, **{k: v for k, v in form.items() if v}}  # what the agent typed wins
    code = form.get("store") or (stores[0].code if stores else "")
    store = next((s for s in stores if s.code == code), None)
    faults = list(settings.fault_codes(ctx, store.id).values()) if store else []
    return render(request, "repairs/new.html", ctx, status=status, error=error, form=form, unit=unit,
                  stores=stores, faults=faults, channels=CHANNELS, today=ctx.clock.now().date().isoformat())


@router.get("/console/repairs/new")
def call_form(request: Request, serial: str = "", store: str = "", order_no: str = "", line_no: str = "",
              type: str = "repair") -> Response:
    ctx = ctx_of(request)
    return _page(request, ctx, {"serial": serial.strip(), "store": store, "order_no": order_no, "line_no": line_no,
                                "type": type if type in ("repair", "installation") else "repair"})


def _body(form: dict[str, str], tz: ZoneInfo) -> dict[str, Any]:
    body: dict[str, Any] = {"type": form.get("type") or "repair", "channel": form.get("channel") or "hotline",
                            "priority": form.get("priority") or "normal",
                            "contact": {k: form.get(k, "") for k in ("name", "phone", "address", "district")}}
    for key in ("store", "serial", "order_no", "model", "category", "customer", "description"):
        if form.get(key):
            body[key] = form[key]
    if form.get("line_no"):
        body["line_no"] = int(form["line_no"]) if form["line_no"].isdigit() else form["line_no"]
    if body["type"] == "repair":
        body |= {"fault": form.get("fault", ""), "mode": form.get("mode") or "onsite",
                 "kind": form.get("kind") or "repair"}
        if form.get("fault_code"):
            body["fault_code"] = form["fault_code"]
    window = page_forms.preferred(form, tz)
    if window:
        body["preferred_time"] = window
    return body


@router.post("/console/repairs/new")
async def register_call(request: Request) -> Response:
    ctx = ctx_of(request)
    posted = await check_csrf(request)
    form = {k: str(posted.get(k) or "").strip() for k in TEXT}
    try:
        stores = accounts.visible_stores(ctx)
        store = next((s for s in stores if s.code == form["store"]), stores[0] if stores else None)
        case = cases.create(ctx, _body(form, ZoneInfo(store.timezone if store else ctx.settings.timezone)))
    except ShouhouError as exc:
        ctx.session.rollback()
        return _page(request, ctx, form, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/cases/{case.no}", status_code=303)
