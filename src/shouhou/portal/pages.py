"""The customer portal: own requests and orders, and what each case type offers on an order.

The case page itself is the cases context's; applications are posted to each type's own pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select

from shouhou import plugins
from shouhou.api.errors import STATUS
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, ShouhouError, not_found
from shouhou.models import Store
from shouhou.orders import service as orders
from shouhou.web.forms import error_text
from shouhou.web.photos import forget_photos, save_photos
from shouhou.web.session import buyer_only, check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/portal")
def portal_home(request: Request) -> Response:
    ctx = buyer_only(request)
    own = []
    if ctx.actor.customer_id is not None:
        own = [orders.document(ctx, o) for o in orders.orders_of_customer(ctx, ctx.actor.customer_id)]
    rows, _ = cases.list_page(ctx, {}, limit=100)
    names = {s.code: s.name for s in ctx.session.scalars(select(Store).where(Store.code.in_({o["store"] for o in own})))}
    return render(request, "portal/home.html", ctx, orders=own, cases=cases.summaries(ctx, rows), store_names=names)


def order_page(request: Request, ctx: Ctx, order_no: str, *, error: str | None = None, status: int = 200,
               form: dict | None = None) -> Response:
    """The order with what each case type offers on it (its application form, a link); a type's
    own page renders it again, with `error` and the `form` sent, when an application is refused."""
    order = orders.find_order(ctx, order_no)
    orders.require_order_access(ctx, order)
    offers: dict[str, dict[str, Any]] = {}
    links = []
    for kind in sorted(plugins.kinds(), key=lambda k: k.portal.position if k.portal else 0):
        offer = kind.portal
        if offer is None:
            continue
        if offer.link:
            links.append(offer.link)
        if offer.order_form:
            if offer.order_form not in offers:
                context = offer.order_context(ctx, order) if offer.order_context else {}
                offers[offer.order_form] = {"template": offer.order_form, "kinds": [], "context": context}
            offers[offer.order_form]["kinds"].append(kind)
    store = ctx.session.get_one(Store, order.store_id)
    return render(request, "portal/order.html", ctx, status=status, order=orders.document(ctx, order),
                  store_name=store.name, offers=list(offers.values()), links=links, error=error, form=form or {})


@router.get("/portal/orders/{order_no}")
def portal_order(order_no: str, request: Request) -> Response:
    return order_page(request, buyer_only(request), order_no)


@router.post("/portal/orders/{order_no}/apply")
async def portal_apply(order_no: str, request: Request) -> Response:
    """An application from an order form: the type's offer turns the form into its create body."""
    ctx = buyer_only(request)
    form = await check_csrf(request)
    body: dict[str, Any] = {"type": str(form.get("type", "")), "order_no": order_no}
    try:
        kind = plugins.kind_for(body["type"])
        if kind.portal is None or kind.portal.body_from_form is None:
            raise Invalid("not_offered", en="This request cannot be made from an order",
                          zh="不能从订单提交该类申请", type=body["type"])
        body = {**kind.portal.body_from_form(form), **body, "channel": "portal"}
        if "photos" in kind.create_schema.model_fields:
            body["photos"] = await save_photos(request, ctx.settings.var_dir)
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        forget_photos(ctx.settings.var_dir, body.get("photos", []))  # nothing of a refused application stays
        kept = {k: v for k, v in form.items() if k != "_csrf" and isinstance(v, str)}
        return order_page(request, ctx, order_no, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422),
                          form={**kept, **{k: v for k, v in body.items() if isinstance(v, str)}})
    request.session["flash"] = {"kind": "ok", "text": ctx.label(
        f"已提交申请，售后单号 {case.no}。", f"Request sent: case {case.no}.")}
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)


@router.get("/media/{name}")
def media(name: str, request: Request) -> Response:
    """A photo uploaded with an application (signed-in users only)."""
    ctx = ctx_of(request)  # signed-in users only
    path = Path(ctx.settings.var_dir) / "uploads" / name
    if "/" in name or ".." in name or not path.is_file():
        raise not_found("photo", name)
    return FileResponse(path)
