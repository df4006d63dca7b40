"""Pages for refunds, returns and exchanges: finance, warehouse, arbitration, reasons, stock in the
console; the application form on the portal's order page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou import exports
from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Invalid, ShouhouError
from shouhou.models import Order, Store
from shouhou.policies.service import order_entitlements
from shouhou.returns import reasons, service
from shouhou.returns.reasons import GROUNDS, RETURN_TYPES
from shouhou.returns.workflow import COMMON_STATES
from shouhou.web import nav
from shouhou.web.forms import fields_of
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/finance", "Refunds to approve", {"finance", "supervisor"}, order=30)
nav.register("/console/warehouse", "Receiving", {"warehouse", "supervisor"}, order=40)
nav.register("/console/pickups", "Courier pickups", {"warehouse", "agent", "supervisor"}, order=45)
nav.register("/console/arbitration", "Arbitration", {"platform", "supervisor"}, order=50)
nav.register("/console/stock", "Stock movements", {"warehouse", "supervisor", "finance", "admin"}, order=60)
nav.register("/console/reasons", "Reasons", {"admin"}, order=80)


@router.get("/console/finance")
def finance(request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    rows = service.finance_rows(ctx, store)
    return render(request, "returns/finance.html", ctx, rows=rows, results=None,
                  claims=service.claim_rows(ctx, None, "pending"))


@router.post("/console/finance/approve")
async def finance_approve(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    picked = form.get("case") or []
    picked = [picked] if isinstance(picked, str) else list(picked)
    items = []
    for value in picked:
        no, _, version = str(value).partition(":")
        if version.isdigit():
            items.append((no, int(version)))
    results = service.batch_approve_refunds(ctx, items) if items else []
    for r in results:
        if r["ok"]:
            state = COMMON_STATES[r["status"]]
            r["status_label"] = ctx.label(state.zh, state.en)
    rows = service.finance_rows(ctx, None)
    return render(request, "returns/finance.html", ctx, rows=rows, results=results,
                  claims=service.claim_rows(ctx, None, "pending"))


@router.get("/console/warehouse")
def warehouse(request: Request, q: str = "") -> Response:
    ctx = ctx_of(request)
    found = []
    if q.strip():
        for case in service.find_for_receiving(ctx, q):
            doc = cases.document(ctx, case)
            receive = next((a for a in doc["available_actions"] if a["name"] == "receive"), None)
            reship = next((a for a in doc["available_actions"] if a["name"] == "reship"), None)
            found.append({"doc": doc, "receive": receive and fields_of(receive["fields"]),
                          "reship": reship and fields_of(reship["fields"])})
    return render(request, "returns/warehouse.html", ctx, q=q, found=found, unreceived=service.unreceived(ctx))


@router.get("/console/pickups")
def pickups(request: Request) -> Response:
    """上门取件 waiting for staff: book the courier, then record the tracking number at collection."""
    ctx = ctx_of(request)
    rows = []
    for row in service.pickup_list(ctx):
        doc = cases.document(ctx, cases.get(ctx, row["no"]))
        forms = {a["name"]: fields_of(a["fields"]) for a in doc["available_actions"]
                 if a["name"] in ("book_pickup", "record_pickup")}
        rows.append({"row": row, "doc": doc, "forms": forms})
    return render(request, "returns/pickups.html", ctx, rows=rows)


@router.get("/console/arbitration")
def arbitration(request: Request) -> Response:
    ctx = ctx_of(request)
    rows, _ = cases.list_page(ctx, {"status": ["in_arbitration"]}, limit=200)
    return render(request, "returns/arbitration.html", ctx, rows=cases.summaries(ctx, rows))


@router.get("/console/stock")
def stock(request: Request, store: str | None = None, kind: str | None = None, sku: str | None = None) -> Response:
    ctx = ctx_of(request)
    rows = service.stock_movements(ctx, store_code=store or None, kind=kind or None, sku=sku or None, limit=500)
    return render(request, "returns/stock.html", ctx, rows=rows, q={"store": store or "", "kind": kind or "",
                                                                     "sku": sku or ""}, query=request.url.query)


@router.get("/console/stock/export.{fmt}")
def stock_export(fmt: str, request: Request, store: str | None = None, kind: str | None = None,
                 sku: str | None = None) -> Response:
    ctx = ctx_of(request)
    rows = service.stock_movements(ctx, store_code=store or None, kind=kind or None, sku=sku or None, limit=10000)
    body, media, name = exports.render("xlsx" if fmt == "xlsx" else "csv", service.STOCK_HEADERS,
                                       [[r[h] for h in service.STOCK_HEADERS] for r in rows], "stock-movements")
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/console/reasons")
def reason_admin(request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    stores = accounts.visible_stores(ctx)
    current = accounts.store_for_caller(ctx, store or (stores[0].code if stores else None))
    require(ctx.actor, "reason.write", current.id)  # hidden reasons are for the store's admins only
    return render(request, "returns/reasons.html", ctx, store=current, stores=stores, error=None,
                  reasons=reasons.catalogue(ctx, current, include_hidden=True), types=RETURN_TYPES, grounds=GROUNDS)


@router.post("/console/reasons")
async def reason_save(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    store = str(form.get("store", ""))
    op = str(form.get("op", "save"))
    code = str(form.get("code", "")).strip()
    try:
        if op == "delete":
            reasons.delete(ctx, store, code)
        elif op == "order":
            reasons.reorder(ctx, store, [c.strip() for c in str(form.get("codes", "")).split(",") if c.strip()])
        else:
            types = form.get("case_types") or []
            types = [types] if isinstance(types, str) else list(types)
            position = str(form.get("position", "")).strip()
            reasons.upsert(ctx, store, code, label_zh=str(form.get("label_zh", "")).strip(),
                           label_en=str(form.get("label_en", "")).strip(), case_types=types,
                           ground=str(form.get("ground", "quality")), visible=form.get("visible") == "true",
                           position=int(position) if position.lstrip("-").isdigit() else None, create=op == "new")
    except ShouhouError as exc:
        ctx.session.rollback()
        current = accounts.store_for_caller(ctx, store or None)
        return render(request, "returns/reasons.html", ctx, status=422, store=current, error=exc.message(ctx.lang),
                      stores=accounts.visible_stores(ctx), reasons=reasons.catalogue(ctx, current, include_hidden=True),
                      types=RETURN_TYPES, grounds=GROUNDS)
    return RedirectResponse(f"/console/reasons?store={store}", status_code=303)


# -- the customer portal's application form (PortalOffer of the three types) --------------------

def portal_order_context(ctx: Ctx, order: Order) -> dict[str, Any]:
    """What the application form shows: each line's entitlements and the store's reasons by type."""
    store = ctx.session.get_one(Store, order.store_id)
    return {"entitlements": order_entitlements(ctx, order),
            "reasons": {t: reasons.for_type(ctx, store, t) for t in RETURN_TYPES}}


def application_from_form(form: dict[str, Any]) -> dict[str, Any]:
    """The application's body from the portal form: quantities per line (qty_<line no>), reason, …"""
    lines = []
    for key, value in form.items():
        qty = str(value).strip()
        if key.startswith("qty_") and key[4:].isdigit() and qty not in ("", "0"):
            if not qty.isdigit():
                raise Invalid("invalid_qty", en="Quantities are whole numbers", zh="数量须为整数", line_no=int(key[4:]))
            lines.append({"line_no": int(key[4:]), "qty": int(qty)})
    if not lines:
        raise Invalid("no_lines", en="Choose at least one item and a quantity", zh="请选择至少一件商品并填写数量")
    body: dict[str, Any] = {"reason": str(form.get("reason", "")), "description": str(form.get("description", "")),
                            "lines": lines}
    if form.get("exchange_sku"):
        body["exchange_sku"] = str(form["exchange_sku"]).strip()
    return body
