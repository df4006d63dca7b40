"""Console: order lookup and the order page (lines, shipments, entitlements, its cases)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shouhou.cases import service as cases
from shouhou.orders import repository as repo
from shouhou.orders import service
from shouhou.policies.service import order_entitlements
from shouhou.web import nav
from shouhou.web.session import ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/orders", "Orders", {"agent", "reviewer", "finance", "warehouse", "supervisor", "platform",
                                            "admin", "technician"}, order=20)


@router.get("/console/orders")
def lookup(request: Request, q: str = "") -> Response:
    ctx = ctx_of(request)
    rows = repo.recent_orders(ctx.session, ctx.actor.store_ids(), q.strip())
    docs = [service.document(ctx, o) for o in rows if service.may_read_order(ctx, o)]
    return render(request, "orders/list.html", ctx, orders=docs, q=q)


@router.get("/console/orders/{order_no}")
def order_page(order_no: str, request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    order = service.find_order(ctx, order_no, store)
    doc = service.document(ctx, order)
    rows, _ = cases.list_page(ctx, {"order_no": order.order_no, "store_code": doc["store"]}, limit=100)
    return render(request, "orders/detail.html", ctx, order=doc, entitlements=order_entitlements(ctx, order),
                  cases=cases.summaries(ctx, rows))
