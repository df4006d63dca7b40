"""Console: parts stock by location, the reorder list, parts requests to approve, a part's movements."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.errors import ShouhouError
from shouhou.fields import parse
from shouhou.parts import service
from shouhou.parts.schemas import DecisionIn
from shouhou.web import nav
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import env, render, translate

router = APIRouter(include_in_schema=False)


def stock_location(code: str) -> str:
    """A stock location in words: the central store, or a technician's van (van:<user name>)."""
    if code == "central":
        return translate("Central stock")
    if code.startswith("van:"):
        return translate("Van of %(who)s", who=code[4:])
    return code


def movement_note(m: dict[str, Any]) -> str:
    """A movement's facts in the reader's language, then what its maker typed: 调往 xx 的车载库 · 配件申领单 7."""
    said = []
    if m["counterpart"]:
        said.append(translate("Transferred to %(where)s" if m["qty"] < 0 else "Transferred from %(where)s",
                              where=stock_location(m["counterpart"])))
    if m["request_id"]:
        said.append(translate("Parts request %(id)s", id=m["request_id"]))
    if m["held"] is not None:
        said.append(translate("%(n)s set aside" if m["kind"] == "reservation" else "%(n)s freed", n=m["held"]))
    return " · ".join([*said, m["note"]] if m["note"] else said)


env.filters["stock_location"] = stock_location
env.filters["movement_note"] = movement_note
nav.register("/console/parts", "Parts", {"warehouse", "supervisor", "technician"}, order=24)


def _page(request: Request, store: str | None, error: str | None = None, status: int = 200) -> Response:
    ctx = ctx_of(request)
    stores = accounts.visible_stores(ctx)
    code = store or (stores[0].code if stores else None)
    parts = [service.document(ctx, p) for p in service.listing(ctx, code)]
    return render(request, "parts/stock.html", ctx, status=status, error=error, store=code, stores=stores,
                  parts=parts, locations=sorted({s["location"] for p in parts for s in p["stock"]}),
                  reorder=service.reorder_list(ctx, code),
                  requests=[service.request_document(ctx, r) for r in service.requests(ctx, code, "pending")],
                  bin=service.returns_bin(ctx, code, maker=None, status="in_bin"))


@router.get("/console/parts")
def stock_page(request: Request, store: str | None = None) -> Response:
    return _page(request, store)


@router.post("/console/parts/requests/{request_id}/{decision}")
async def decide(request_id: int, decision: str, request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    store = str(form.get("store") or "") or None
    try:
        body = parse(DecisionIn, {"note": str(form.get("note") or "") or None})  # what the API takes
        service.decide_request(ctx, request_id, decision == "approve", body.note)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _page(request, store, error_text(exc, ctx.lang), STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/parts?store={store or ''}", status_code=303)


@router.get("/console/parts/{sku}")
def part_page(sku: str, request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    part = service.find(ctx, sku, store)
    return render(request, "parts/part.html", ctx, part=service.document(ctx, part),
                  movements=service.movements(ctx, part), store=store)
