"""Console: order lookup and the order page (lines, shipments, and the panels other contexts
add: entitlements, the order's cases, a consultation button)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shouhou import plugins
from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.orders import service
from shouhou.web import nav
from shouhou.web.session import ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/orders", "Orders", {"agent", "reviewer", "finance", "warehouse", "supervisor", "platform",
                                            "admin", "technician"}, order=20)


@router.get("/console/orders")
def lookup(request: Request, q: str = "") -> Response:
    ctx = ctx_of(request)
    rows = service.recent_orders(ctx, q.strip())
    docs = [service.document(ctx, o) for o in rows if service.may_read_order(ctx, o)]
    return render(request, "orders/list.html", ctx, orders=docs, q=q, store_names=_store_names(ctx))


def _store_names(ctx: Ctx) -> dict[str, str]:
    return {s.code: s.name for s in accounts.visible_stores(ctx)}


@router.get("/console/orders/{order_no}")
def order_page(order_no: str, request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    order = service.find_order(ctx, order_no, store)
    doc = service.document(ctx, order)
    panels = [{"template": p.template, "context": p.context(ctx, order) if p.context else {},
               "link": p.link} for p in plugins.order_panels()]
    return render(request, "orders/detail.html", ctx, order=doc, panels=panels,
                  store_name=_store_names(ctx).get(doc["store"]))
