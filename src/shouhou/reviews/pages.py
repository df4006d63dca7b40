"""Pages of review handling: the console's form to log a review and the month's register."""

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
from shouhou.errors import ShouhouError, forbidden
from shouhou.reviews import service
from shouhou.reviews.schemas import Platform, Rating
from shouhou.web import nav
from shouhou.web.forms import aware_local, error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/reviews", "Negative reviews", service.READERS, order=58)
FIELDS = ("store", "order_no", "platform", "rating", "content", "reviewed_at", "sku")


@router.get("/console/reviews")
def register_page(request: Request, month: str = "", store: str = "") -> Response:
    ctx = ctx_of(request)
    stores = [s for s in accounts.visible_stores(ctx) if ctx.actor.roles_in(s.id) & service.READERS]
    if not stores:
        raise forbidden("review.register")
    chosen = next((s for s in stores if s.code == store), stores[0])
    if not re.match(months.MONTH_PATTERN, month):  # this month in the store's zone
        month = months.local_month(ctx.clock.now(), ZoneInfo(chosen.timezone))
    report = service.register(ctx, chosen.code, month)
    return render(request, "reviews/register.html", ctx, report=report, month=month, stores=stores,
                  store=chosen.code, previous=months.shift(month, -1), following=months.shift(month, 1))


def _form(request: Request, ctx: Any, form: dict[str, Any], error: str | None = None, status: int = 200):
    return render(request, "reviews/new.html", ctx, status=status, error=error, form=form,
                  stores=accounts.visible_stores(ctx), platforms=get_args(Platform), ratings=get_args(Rating))


@router.get("/console/reviews/new")
def new_review_form(request: Request, order_no: str = "", store: str = "") -> Response:
    ctx = ctx_of(request)
    return _form(request, ctx, {"order_no": order_no, "store": store, "platform": "taobao", "rating": "negative"})


@router.post("/console/reviews/new")
async def new_review(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    sent = {k: str(form.get(k, "")).strip() for k in FIELDS}
    body: dict[str, Any] = {"type": "review", **{k: v for k, v in sent.items() if v}}
    try:
        if body.get("reviewed_at"):  # a datetime-local input is in the store's zone
            tz = accounts.store_for_caller(ctx, body.get("store")).timezone
            body["reviewed_at"] = aware_local(body["reviewed_at"], tz)
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _form(request, ctx, sent, error_text(exc, ctx.lang), STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/cases/{case.no}", status_code=303)
