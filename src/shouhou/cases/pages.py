"""Console pages for every case type: the list (SPEC §9), the detail page and its actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou import exports
from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.cases import service
from shouhou.engine.context import Ctx
from shouhou.engine.registry import all_workflows
from shouhou.errors import ShouhouError
from shouhou.models import Store
from shouhou.plugins import kind_for
from shouhou.web import nav
from shouhou.web.forms import fields_of, payload_from
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
STAFF = {"agent", "reviewer", "finance", "warehouse", "technician", "supervisor", "platform", "admin"}
nav.register("/console/cases", "Cases", STAFF, order=10)

# key, label (msgid), kind — the SPEC §9 columns plus what some types add.
COLUMNS: list[tuple[str, str, str]] = [
    ("no", "Case no.", "link"), ("order_no", "Order no.", "text"), ("store", "Store", "text"),
    ("type_label", "Type", "text"), ("subject", "Subject", "text"), ("customer", "Customer", "text"),
    ("refund_amount", "Refund amount", "money"), ("status_label", "Status", "status"),
    ("assignee", "Assignee", "text"), ("created_at", "Applied", "time"), ("reviewed_at", "Reviewed", "time"),
    ("order_placed_at", "Order time", "time"), ("updated_at", "Updated", "time"),
]
FILTERS = ("no", "order_no", "customer", "store", "type", "status", "created_from", "created_to",
           "order_placed_from", "order_placed_to")


def columns_for(ctx: Ctx) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], int]:
    """(visible columns in the user's order, all columns in that order, frozen count)."""
    pref = accounts.get_preference(ctx, "case_list.columns", {}) or {}
    by_key = {c[0]: c for c in COLUMNS}
    order = [k for k in pref.get("order", []) if k in by_key] + [c[0] for c in COLUMNS
                                                              if c[0] not in pref.get("order", [])]
    ordered = [by_key[k] for k in order]
    hidden = set(pref.get("hidden", []))
    visible = [c for c in ordered if c[0] not in hidden] or ordered[:1]
    return visible, ordered, max(0, min(int(pref.get("frozen", 1) or 0), len(visible)))


def _criteria(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    q = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    criteria = {"no": q["no"] or None, "order_no": q["order_no"] or None, "customer": q["customer"] or None,
                "store_code": q["store"] or None, "type": q["type"] or None,
                "status": [s for s in q["status"].split(",") if s] or None,
                "created_from": service.parse_time(_day(q["created_from"], "00:00:00"), "created_from"),
                "created_to": service.parse_time(_day(q["created_to"], "23:59:59"), "created_to"),
                "order_placed_from": service.parse_time(_day(q["order_placed_from"], "00:00:00"), "order_placed_from"),
                "order_placed_to": service.parse_time(_day(q["order_placed_to"], "23:59:59"), "order_placed_to")}
    return criteria, q


def _day(value: str, clock_time: str) -> str | None:
    """A date from the filter form is a whole day in Shanghai time."""
    if not value:
        return None
    return value if "T" in value else f"{value}T{clock_time}+08:00"


def _states() -> list[tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for wf in all_workflows():
        for s in wf.states:
            seen.setdefault(s.name, (s.name, s.zh, s.en))
    return list(seen.values())


@router.get("/console/cases")
def case_list(request: Request, cursor: str | None = None, limit: int = 50) -> Response:
    ctx = ctx_of(request)
    criteria, q = _criteria(request)
    rows, next_cursor = service.list_page(ctx, criteria, limit=min(max(limit, 1), 200), cursor=cursor)
    visible, ordered, frozen = columns_for(ctx)
    return render(request, "cases/list.html", ctx, rows=service.summaries(ctx, rows), next_cursor=next_cursor,
                  q=q, columns=visible, all_columns=ordered, hidden={c[0] for c in ordered} - {c[0] for c in visible},
                  frozen=frozen, workflows=all_workflows(), states=_states(),
                  query=request.url.query, stores=accounts.visible_stores(ctx))


@router.get("/console/cases/export.{fmt}")
def case_export(fmt: str, request: Request) -> Response:
    ctx = ctx_of(request)
    criteria, _ = _criteria(request)
    rows, cursor = service.list_page(ctx, criteria, limit=200)
    out = service.summaries(ctx, rows)
    while cursor and len(out) < 10_000:
        more, cursor = service.list_page(ctx, criteria, limit=200, cursor=cursor)
        out += service.summaries(ctx, more)
    visible, _, _ = columns_for(ctx)
    body, media, name = exports.render("xlsx" if fmt == "xlsx" else "csv", [c[0] for c in visible],
                                       [[r.get(c[0]) for c in visible] for r in out], "cases")
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


def detail_context(ctx: Ctx, no: str) -> dict[str, Any]:
    case = service.get(ctx, no)
    doc = service.document(ctx, case)
    actions = [(a, fields_of(a["fields"])) for a in doc["available_actions"]]
    count = service.customer_case_count(ctx, case.customer_id) if case.customer_id else 0
    return {"doc": doc, "actions": actions, "timeline": service.timeline(ctx, case), "customer_cases": count,
            "detail_template": kind_for(case.type).detail_template}


@router.get("/console/cases/{no}")
def case_detail(no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    return render(request, "cases/detail.html", ctx, error=None, **detail_context(ctx, no))


@router.get("/console/cases/{no}/print")
def case_print(no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    return render(request, "cases/print.html", ctx, **detail_context(ctx, no))


async def take_action(request: Request, no: str, template: str, back: str) -> Response:
    """Shared by the console and the portal: one form per available action."""
    ctx = ctx_of(request)
    form = await check_csrf(request)
    back = safe_back(form.get("_back"), back)
    name = str(form.get("_action", ""))
    try:
        case = service.get(ctx, no)
        doc_actions = {a["name"]: a for a in service.document(ctx, case)["available_actions"]}
        fields = fields_of(doc_actions[name]["fields"]) if name in doc_actions else []
        version = int(str(form.get("_version", "0")) or 0)
        service.transition(ctx, no, name, version, payload_from(form, fields))
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, template, ctx, status=_status(exc), error=exc.message(ctx.lang), error_code=exc.code,
                      **detail_context(ctx, no))
    return RedirectResponse(back, status_code=303)


def safe_back(value: object, default: str) -> str:
    text = str(value or "")
    return text if text.startswith("/") and not text.startswith("//") else default


def _status(exc: ShouhouError) -> int:
    return STATUS.get(exc.kind, 422)


@router.post("/console/cases/{no}/act")
async def case_act(no: str, request: Request) -> Response:
    return await take_action(request, no, "cases/detail.html", f"/console/cases/{no}")


@router.get("/portal/cases/{no}")
def portal_case(no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    return render(request, "portal/case.html", ctx, error=None, **detail_context(ctx, no))


@router.post("/portal/cases/{no}/act")
async def portal_act(no: str, request: Request) -> Response:
    return await take_action(request, no, "portal/case.html", f"/portal/cases/{no}")


def order_cases(ctx: Ctx, order: Any) -> dict[str, Any]:
    """The console order page's panel: the order's cases."""
    store = ctx.session.get_one(Store, order.store_id)
    rows, _ = service.list_page(ctx, {"order_no": order.order_no, "store_code": store.code}, limit=100)
    return {"cases": service.summaries(ctx, rows)}
