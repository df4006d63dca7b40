"""Pages of disputes: the portal's form on a completed order, the platform's list in the console."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shouhou.cases import service as cases
from shouhou.disputes import service
from shouhou.disputes.workflow import WORKFLOW
from shouhou.engine.context import Ctx
from shouhou.fields import local_iso
from shouhou.models import Order, Store
from shouhou.web import nav
from shouhou.web.session import ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
# The platform decides; the merchant's side answers with evidence.
nav.register("/console/disputes", "Disputes", nav.may_take([WORKFLOW], "decide", "respond"), order=55)


@router.get("/console/disputes")
def disputes(request: Request, status: str = "open,in_review") -> Response:
    ctx = ctx_of(request)
    rows, _ = cases.list_page(ctx, {"type": "dispute", "status": [s for s in status.split(",") if s] or None},
                              limit=200)
    return render(request, "disputes/list.html", ctx, rows=cases.summaries(ctx, rows), statuses=status,
                  decides="platform" in ctx.actor.roles)


# -- the customer portal (PortalOffer of `dispute`) --------------------------------------------

def portal_order_context(ctx: Ctx, order: Order) -> dict[str, Any]:
    """Whether the order may have a dispute now, until when and why; the form shows only then."""
    store = ctx.session.get_one(Store, order.store_id)
    win = service.eligibility(ctx, store, order, None)
    return {"allowed": win.allowed, "until": local_iso(win.until, store.timezone),
            "text": ctx.label(win.zh, win.en), "rule": win.rule}


def dispute_from_form(form: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"description": str(form.get("description", "")).strip(),
                            "remedy": str(form.get("remedy", "refund")) or "refund"}
    amount = str(form.get("amount", "")).strip()
    if amount:
        body["amount"] = amount
    case_no = str(form.get("case_no", "")).strip()
    if case_no:
        body["case_no"] = case_no
    return body
