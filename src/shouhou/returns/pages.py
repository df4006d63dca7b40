"""Pages for refunds, returns and exchanges: finance, warehouse, arbitration, reasons, stock in the
console; the application form on the portal's order page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou import exports, plugins
from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import OPERATIONS, require
from shouhou.errors import Invalid, ShouhouError
from shouhou.models import Order, Store
from shouhou.money import format_fen, parse_yuan
from shouhou.orders import service as orders
from shouhou.policies.service import order_entitlements
from shouhou.returns import reasons, service
from shouhou.returns.reasons import GROUNDS, RETURN_TYPES
from shouhou.returns.workflow import WORKFLOWS
from shouhou.web import nav
from shouhou.web.forms import error_text, fields_of
from shouhou.web.i18n import gettext
from shouhou.web.session import check_csrf, staff_only
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
# Each work list is in the menu of the roles that may work it, as the service filters it.
_FLOWS = WORKFLOWS.values()
nav.register("/console/finance", "Refunds to approve",
             nav.may_take(_FLOWS, "approve_refund", "send_back", "record_insurance_payout"), order=30)
nav.register("/console/warehouse", "Receiving", nav.may_take(_FLOWS, "receive"), order=40)
nav.register("/console/pickups", "Courier pickups", nav.may_take(_FLOWS, "book_pickup", "record_pickup"), order=45)
nav.register("/console/arbitration", "Arbitration", nav.may_take(_FLOWS, "arbitrate"), order=50)
nav.register("/console/stock", "Stock movements", OPERATIONS["stock.read"], order=60)
nav.register("/console/reasons", "Reasons", {"admin"}, order=80)
# Where each role starts: finance on 待退款, the warehouse on the parcels expected in, the platform on arbitrations.
nav.landing("/console/finance", {"finance"}, priority=30)
nav.landing("/console/warehouse", {"warehouse"}, priority=40)
nav.landing("/console/arbitration", {"platform"}, priority=50)


@router.get("/console/finance")
def finance(request: Request, store: str | None = None) -> Response:
    ctx = staff_only(request)
    rows = service.finance_rows(ctx, store)
    return render(request, "returns/finance.html", ctx, rows=[r for r in rows if not r["award"]],
                  awards=[r for r in rows if r["award"]], total=_total(rows),
                  claims=service.claim_rows(ctx, None, "pending"))


def _total(rows: list[dict[str, Any]]) -> str:
    return format_fen(sum(parse_yuan(r["refund_amount"]) for r in rows if r.get("refund_amount")))


@router.post("/console/finance/approve")
async def finance_approve(request: Request) -> Response:
    """Batch refund: a confirmation with the count and the total first, then each case on its own."""
    ctx = staff_only(request)
    form = await check_csrf(request)
    picked = form.get("case") or []
    picked = [picked] if isinstance(picked, str) else list(picked)
    items = [(no, int(v)) for no, _, v in (str(p).partition(":") for p in picked) if v.isdigit()]
    if not items:
        request.session["flash"] = {"kind": "bad", "text": ctx.label("请先勾选要退款的售后单。",
                                                                     "Tick the cases to refund first.")}
        return RedirectResponse("/console/finance", status_code=303)
    chosen = {no for no, _ in items}
    rows = [r for r in service.finance_rows(ctx, None) if r["no"] in chosen]
    if form.get("confirmed") != "yes":
        return render(request, "cases/batch_confirm.html", ctx, op="refund", rows=rows, picked=picked, reason="",
                      total=_total(rows), back="/console/finance", post_to="/console/finance/approve")
    results = service.batch_approve_refunds(ctx, items)
    done = [r["no"] for r in results if r["ok"]]
    failed = [f"{r['no']}{ctx.label('：', ': ')}{r['message']}" for r in results if not r["ok"]]
    paid = _total([r for r in rows if r["no"] in done])
    request.session["flash"] = {"kind": "bad" if failed else "ok", "details": failed, "text": ctx.label(
        f"已审核并退款 {len(done)} 个售后单，合计 ¥{paid}。", f"{len(done)} case(s) approved and refunded, ¥{paid} in all.")}
    return RedirectResponse("/console/finance", status_code=303)


@router.get("/console/warehouse")
def warehouse(request: Request, q: str = "") -> Response:
    ctx = staff_only(request)
    found = []
    if q.strip():
        for case in service.find_for_receiving(ctx, q):
            doc = cases.document(ctx, case)
            options = plugins.options_for(ctx, case)
            receive = next((a for a in doc["available_actions"] if a["name"] == "receive"), None)
            reship = next((a for a in doc["available_actions"] if a["name"] == "reship"), None)
            found.append({"doc": doc, "receive": receive and fields_of(receive["fields"], "receive", options),
                          "reship": reship and fields_of(reship["fields"], "reship", options)})
    return render(request, "returns/warehouse.html", ctx, q=q, found=found, unreceived=service.unreceived(ctx),
                  expected=service.expected_parcels(ctx))


@router.get("/console/pickups")
def pickups(request: Request) -> Response:
    """上门取件 waiting for staff: book the courier, then record the tracking number at collection."""
    ctx = staff_only(request)
    rows = []
    for row in service.pickup_list(ctx):
        doc = cases.document(ctx, cases.get(ctx, row["no"]))
        forms = {a["name"]: fields_of(a["fields"], a["name"]) for a in doc["available_actions"]
                 if a["name"] in ("book_pickup", "record_pickup")}
        rows.append({"row": row, "doc": doc, "forms": forms})
    return render(request, "returns/pickups.html", ctx, rows=rows)


@router.get("/console/arbitration")
def arbitration(request: Request) -> Response:
    ctx = staff_only(request)
    rows, _ = cases.list_page(ctx, {"status": ["in_arbitration"]}, limit=200)
    return render(request, "returns/arbitration.html", ctx, rows=cases.summaries(ctx, rows))


@router.get("/console/stock")
def stock(request: Request, store: str | None = None, kind: str | None = None, sku: str | None = None) -> Response:
    ctx = staff_only(request)
    rows = service.stock_movements(ctx, store_code=store or None, kind=kind or None, sku=sku or None, limit=500)
    return render(request, "returns/stock.html", ctx, rows=rows, q={"store": store or "", "kind": kind or "",
                                                                     "sku": sku or ""}, query=request.url.query)


@router.get("/console/stock/export.{fmt}")
def stock_export(fmt: str, request: Request, store: str | None = None, kind: str | None = None,
                 sku: str | None = None) -> Response:
    ctx = staff_only(request)
    rows = service.stock_movements(ctx, store_code=store or None, kind=kind or None, sku=sku or None, limit=10000)
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    # The page's columns and headings (the API's export keeps the field names).
    body, media, name = exports.render(fmt, [gettext(ctx.lang, label) for label, _ in _STOCK_COLUMNS],
                                       [[_stock_cell(r, key, fmt) for _, key in _STOCK_COLUMNS] for r in rows],
                                       "stock-movements")
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


_STOCK_COLUMNS = (("Time", "at"), ("Kind", "kind_label"), ("SKU", "sku"), ("Qty", "qty"), ("Case no.", "case_no"),
                  ("Store", "store"), ("Operator", "operator"), ("Note", "note"))


def _stock_cell(row: dict[str, Any], key: str, fmt: str) -> Any:
    return exports.local_time(row["at"], fmt) if key == "at" else row[key]  # `at` already in the store's zone


@router.get("/console/reasons")
def reason_admin(request: Request, store: str | None = None) -> Response:
    ctx = staff_only(request)
    stores = accounts.visible_stores(ctx)
    current = accounts.store_for_caller(ctx, store or (stores[0].code if stores else None))
    require(ctx.actor, "reason.write", current.id)  # hidden reasons are for the store's admins only
    return render(request, "returns/reasons.html", ctx, store=current, stores=stores, error=None,
                  reasons=reasons.catalogue(ctx, current, include_hidden=True), types=RETURN_TYPES, grounds=GROUNDS,
                  reject_reasons=reasons.reject_reasons(current, ctx.lang))


@router.post("/console/reasons/rejections")
async def reject_reasons_save(request: Request) -> Response:
    ctx = staff_only(request)
    form = await check_csrf(request)
    store = str(form.get("store", ""))
    reasons.set_reject_reasons(ctx, store, str(form.get("texts", "")).splitlines())
    request.session["flash"] = {"kind": "ok", "text": ctx.label("已保存拒绝理由。", "Rejection reasons saved.")}
    return RedirectResponse(f"/console/reasons?store={store}", status_code=303)


@router.post("/console/reasons")
async def reason_save(request: Request) -> Response:
    ctx = staff_only(request)
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
        types = form.get("case_types") or []
        sent = {"op": op, "code": code, "label_zh": str(form.get("label_zh", "")),  # the row as typed, shown again
                "label_en": str(form.get("label_en", "")), "case_types": [types] if isinstance(types, str) else types,
                "ground": str(form.get("ground", "")), "visible": form.get("visible") == "true",
                "position": str(form.get("position", ""))}
        return render(request, "returns/reasons.html", ctx, status=422, store=current, error=error_text(exc, ctx.lang),
                      sent=sent,
                      stores=accounts.visible_stores(ctx), reasons=reasons.catalogue(ctx, current, include_hidden=True),
                      types=RETURN_TYPES, grounds=GROUNDS, reject_reasons=reasons.reject_reasons(current, ctx.lang))
    return RedirectResponse(f"/console/reasons?store={store}", status_code=303)


# -- the customer portal's application form (PortalOffer of the three types) --------------------

TYPE_HINTS = {
    "refund_only": ("没收到货，或与商家协商一致不退货", "Not received, or agreed with the shop not to send it back"),
    "return_refund": ("寄回商品，退还货款", "Send the goods back and get your money back"),
    "exchange": ("寄回商品，换一件（如尺码、颜色）", "Send it back for another one (size, colour)"),
}


def portal_order_context(ctx: Ctx, order: Order) -> dict[str, Any]:
    """The application form: first the type (only those the order allows now), then the reasons
    of that type and of the order's situation, the lines with what is left of each, the
    replacement's variants for an exchange; each line's entitlements for reference."""
    store = ctx.session.get_one(Store, order.store_id)
    entitlements = order_entitlements(ctx, order)
    left = {row["line_no"]: row for row in service.order_after_sales(ctx, order)}
    shipped = service.order_shipped(ctx, order)
    lines = []
    for e in entitlements:
        line = e["line"]
        allowed = {t for t in RETURN_TYPES
                   if any(_has(e[g], t) and e[g].remedy(t).allowed for g in ("none", "quality"))}
        if not shipped:
            allowed &= {"refund_only"}  # nothing to send back before it is shipped
        available = left[line.line_no]["available_qty"]
        lines.append({"line": line, "available": available, "done": available == 0, "types": sorted(allowed),
                      "variants": orders.variants_of(ctx, order.store_id, line.sku)})
    open_lines = [ln for ln in lines if not ln["done"]]
    types = [t for t in RETURN_TYPES if any(t in ln["types"] for ln in open_lines)]
    open_nos = {ln["line"].line_no for ln in open_lines}
    # A reason without fault needs the no-reason entitlement for the type; any other the quality one.
    gate = {(g, t): any(_has(e[g], t) and e[g].remedy(t).allowed for e in entitlements if e["line"].line_no in open_nos)
            for g in ("none", "quality") for t in RETURN_TYPES}
    merged: dict[str, dict[str, Any]] = {}
    for t in types:
        for v in reasons.for_type(ctx, store, t):
            if not shipped and v.ground not in ("none", "merchant"):
                continue  # not shipped: only reasons that need no goods (Taobao's 未发货 list)
            if shipped and not gate["none" if v.ground == "none" else "quality", t]:
                continue
            item = merged.setdefault(v.code, {"code": v.code, "label": reasons.label(v, ctx.lang), "types": set()})
            item["types"].add(t)
    return {"entitlements": entitlements, "lines": lines, "types": types, "shipped": shipped,
            "reasons": [{**r, "types": " ".join(sorted(r["types"]))} for r in merged.values()],
            "hints": {t: ctx.label(*TYPE_HINTS[t]) for t in RETURN_TYPES},
            "repair": any(e["quality"].remedy("repair").allowed for e in entitlements if _has(e["quality"], "repair"))}


def _has(eligibility: Any, remedy: str) -> bool:
    return any(d.type == remedy for d in eligibility.remedies)


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
        raise Invalid("no_lines", en="Choose at least one item and how many", zh="请选择要售后的商品并填写数量")
    if not str(form.get("reason", "")).strip():
        raise Invalid("reason_required", en="Choose a reason", zh="请选择售后原因")
    body: dict[str, Any] = {"reason": str(form.get("reason", "")), "description": str(form.get("description", "")),
                            "lines": lines}
    if form.get("type") == "exchange" and form.get("exchange_sku"):
        body["exchange_sku"] = str(form["exchange_sku"]).strip()
    return body
