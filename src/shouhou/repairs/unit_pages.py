"""Console: the installed base (客户资料袋) as the service department reads it — look a product up by serial,
customer or model and read its record: warranty now with the rules behind it, what the customer may ask
for, contracts, service history with the faults in words; and register a repair for it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shouhou.accounts import service as accounts
from shouhou.repairs import settings
from shouhou.repairs.call_pages import TAKERS
from shouhou.units import service
from shouhou.web import nav
from shouhou.web.session import ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/units", "Product records", service.READERS - {"integration"}, order=25)

FILTERS = ("serial", "customer", "model", "order_no")


@router.get("/console/units")
def units_page(request: Request, store: str = "", serial: str = "", customer: str = "", model: str = "",
               order_no: str = "", warranty: str = "", cursor: int | None = None) -> Response:
    ctx = ctx_of(request)
    q = {"store": store, "serial": serial.strip(), "customer": customer.strip(), "model": model.strip(),
         "order_no": order_no.strip(), "warranty": warranty}
    criteria: dict[str, Any] = {k: q[k] for k in FILTERS if q[k]}
    in_warranty = {"in": True, "out": False}.get(warranty)
    rows, next_cursor = service.list_page(ctx, criteria, limit=50, cursor=cursor, in_warranty=in_warranty,
                                          store_code=store or None)
    return render(request, "repairs/units.html", ctx, q=q, stores=accounts.visible_stores(ctx),
                  units=[service.document(ctx, u, full=False) for u in rows], next_cursor=next_cursor,
                  may_register=bool(ctx.actor.roles & TAKERS))


@router.get("/console/units/{serial}")
def unit_page(serial: str, request: Request, store: str = "") -> Response:
    ctx = ctx_of(request)
    unit = service.find(ctx, serial, store or None)
    faults = settings.fault_codes(ctx, unit.store_id)
    return render(request, "repairs/unit.html", ctx, unit=service.document(ctx, unit),
                  faults={c: ctx.label(f.zh, f.en) for c, f in faults.items()},
                  may_register=bool(ctx.actor.roles_in(unit.store_id) & TAKERS))
