"""Console pages for every case type: the list (SPEC §9) as a queue — status tabs with live
counts, one search box, sorting by any column, the next deadline as a countdown, products,
batch approve/reject after a confirmation that shows the count and the total — and its exports.
The case page itself is in case_pages.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou import exports, plugins
from shouhou.accounts import service as accounts
from shouhou.cases import service
from shouhou.engine.context import Ctx
from shouhou.engine.registry import all_workflows
from shouhou.models import Store
from shouhou.money import format_fen, parse_yuan
from shouhou.web import nav
from shouhou.web.i18n import gettext
from shouhou.web.session import check_csrf, staff_only
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
STAFF = {"agent", "reviewer", "finance", "warehouse", "technician", "supervisor", "platform", "admin"}
REVIEW = {"reviewer", "supervisor"}
nav.register("/console/cases", "Cases", STAFF, order=10)
nav.landing("/console/cases", {"admin", "supervisor"}, priority=10)  # everything, newest first
nav.landing("/console/cases?status=pending_review&sort=deadline&dir=asc", {"reviewer"}, priority=20)
nav.landing("/console/cases?type=consultation", {"agent"}, priority=60)

# key, label (msgid), kind — the SPEC §9 columns plus what some types add.
COLUMNS: list[tuple[str, str, str]] = [
    ("no", "Case no.", "link"), ("order_no", "Order no.", "text"), ("store", "Store", "text"),
    ("type_label", "Type", "text"), ("products", "Products", "products"), ("subject", "Subject", "text"),
    ("customer", "Customer", "customer"), ("refund_amount", "Refund amount", "money"),
    ("status_label", "Status", "status"), ("deadline", "Deadline", "deadline"),
    ("assignee", "Assignee", "text"), ("created_at", "Applied", "time"), ("reviewed_at", "Reviewed", "time"),
    ("order_placed_at", "Order time", "time"), ("updated_at", "Updated", "time"),
]
# A column's sort key when it is not the column's own key.
SORT_OF = {"type_label": "type", "status_label": "status"}
FILTERS = ("q", "no", "order_no", "customer", "store", "type", "status", "created_from", "created_to",
           "order_placed_from", "order_placed_to", "sort", "dir")


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
    criteria = {"text": q["q"] or None, "no": q["no"] or None, "order_no": q["order_no"] or None,
                "customer": q["customer"] or None, "store_code": q["store"] or None, "type": q["type"] or None,
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


# The tabs follow the refund flow first (千牛's 退款 workbench), then the other types; ended last.
FLOW_FIRST = ("return_refund", "exchange", "refund_only")


def _states() -> list[tuple[str, str, str]]:
    flows = sorted(all_workflows(), key=lambda wf: FLOW_FIRST.index(wf.type) if wf.type in FLOW_FIRST else 99)
    seen: dict[str, tuple[str, str, str]] = {}
    ended: set[str] = set()
    for wf in flows:
        for s in wf.states:
            seen.setdefault(s.name, (s.name, s.zh, s.en))
            if s.terminal:
                ended.add(s.name)
    return sorted(seen.values(), key=lambda st: st[0] in ended)  # stable: the flow's order kept


def _tabs(ctx: Ctx, criteria: dict[str, Any], q: dict[str, str]) -> list[dict[str, Any]]:
    """全部 and each status that has cases under the current filters, with its count."""
    counts = service.status_counts(ctx, dict(criteria))
    keep = {k: v for k, v in q.items() if v and k not in ("status",)}
    tabs = [{"status": "", "label": ctx.label("全部", "All"), "count": sum(counts.values()),
             "href": "/console/cases?" + urlencode(keep), "on": not q["status"]}]
    for code, zh, en in _states():
        if counts.get(code):
            tabs.append({"status": code, "label": ctx.label(zh, en), "count": counts[code],
                         "href": "/console/cases?" + urlencode({**keep, "status": code}), "on": q["status"] == code})
    return tabs


def _rows(ctx: Ctx, cases: list[Any]) -> list[dict[str, Any]]:
    rows = service.summaries(ctx, cases)
    due = service.deadlines(ctx, cases)
    for r in rows:
        r["deadline"] = due.get(r["no"])
    return rows


@router.get("/console/cases")
def case_list(request: Request, cursor: str | None = None, limit: int = 50, page: int = 1) -> Response:
    ctx = staff_only(request)
    criteria, q = _criteria(request)
    limit = min(max(limit, 1), 200)
    sort = SORT_OF.get(q["sort"], q["sort"])
    next_cursor, next_page = None, None
    if sort and sort in service.sort_names():
        page = max(page, 1)
        cases = service.sorted_list(ctx, dict(criteria), sort, descending=q["dir"] == "desc",
                                    offset=(page - 1) * limit, limit=limit + 1)
        next_page = page + 1 if len(cases) > limit else None
        cases = cases[:limit]
    else:
        cases, next_cursor = service.list_page(ctx, dict(criteria), limit=limit, cursor=cursor)
    visible, ordered, frozen = columns_for(ctx)
    query = urlencode({k: v for k, v in q.items() if v})
    rows = _rows(ctx, cases)
    if q["type"] and rows:  # one type: leave out the columns it never fills (a consultation's refund amount)
        visible = [c for c in visible if c[2] in ("link", "status") or any(r.get(c[0]) not in (None, "", []) for r in rows)]
    batch = bool(ctx.actor.roles & REVIEW) and any(r["status"] == "pending_review" for r in rows)
    sortable = service.sort_names()
    return render(request, "cases/list.html", ctx, rows=rows, next_cursor=next_cursor, next_page=next_page,
                  q=q, columns=visible, all_columns=ordered,
                  hidden={c[0] for c in ordered} - {c[0] for c in visible}, frozen=frozen,
                  workflows=all_workflows(), states=_states(), tabs=_tabs(ctx, criteria, q), query=query,
                  stores=accounts.visible_stores(ctx), batch=batch,
                  sort_links={key: _sort_link(q, key) for key, _, _ in COLUMNS
                              if SORT_OF.get(key, key) in sortable},
                  reject_reasons=_reject_presets(ctx, cases, rows))


def _sort_link(q: dict[str, str], key: str) -> dict[str, str]:
    on = q["sort"] == key
    direction = "desc" if on and q["dir"] != "desc" else "asc"
    if not on and key in ("created_at", "updated_at", "reviewed_at", "refund_amount", "no"):
        direction = "desc"  # the newest and the largest first
    keep = {k: v for k, v in q.items() if v and k not in ("sort", "dir")}
    arrow = ("▲" if q["dir"] != "desc" else "▼") if on else ""
    return {"href": "/console/cases?" + urlencode({**keep, "sort": key, "dir": direction}), "arrow": arrow}


def _reject_presets(ctx: Ctx, cases: list[Any], rows: list[dict[str, Any]]) -> list[str]:
    """The store's preset rejection texts, as the first case waiting for review offers them."""
    for case, row in zip(cases, rows, strict=True):
        if row["status"] == "pending_review":
            option = plugins.options_for(ctx, case).get("reject.reason")
            return list(option.suggestions) if option else []
    return []


@router.get("/console/cases/export.{fmt}")
def case_export(fmt: str, request: Request) -> Response:
    ctx = staff_only(request)
    criteria, _ = _criteria(request)
    rows, cursor = service.list_page(ctx, dict(criteria), limit=200)
    out = service.summaries(ctx, rows)
    while cursor and len(out) < 10_000:
        more, cursor = service.list_page(ctx, dict(criteria), limit=200, cursor=cursor)
        out += service.summaries(ctx, more)
    visible, _, _ = columns_for(ctx)
    visible = [c for c in visible if c[2] not in ("products", "deadline")]
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    # As the list shows it: headings in the reader's language, times in the store's zone to the second
    # (in a workbook, dates and amounts it can sort and sum).
    body, media, name = exports.render(fmt, [gettext(ctx.lang, label) for _, label, _ in visible],
                                       [[_cell(r, key, kind, fmt) for key, _, kind in visible] for r in out], "cases")
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


def _cell(row: dict[str, Any], key: str, kind: str, fmt: str) -> Any:
    value = row.get(key)
    if value in (None, ""):
        return None
    if kind == "time":  # the summary's time is already in the store's zone
        return exports.local_time(value, fmt)
    if kind == "money":
        return Decimal(value) if fmt == "xlsx" else value
    if kind == "customer":
        return f"{row['customer_name']} ({value})" if row.get("customer_name") else value
    return value


# -- batch approve / reject on the queue ---------------------------------------------------------

BATCH_ACTIONS = ("approve", "reject")


@router.post("/console/cases/batch")
async def batch(request: Request) -> Response:
    """First a confirmation (the count and the total amount), then the action on each case."""
    ctx = staff_only(request)
    form = await check_csrf(request)
    op = str(form.get("op", ""))
    back = str(form.get("_back") or "/console/cases")
    back = back if back.startswith("/console/") else "/console/cases"
    picked = form.get("case") or []
    picked = [picked] if isinstance(picked, str) else list(picked)
    items = [(no, int(v)) for no, _, v in (str(p).partition(":") for p in picked) if v.isdigit()]
    reason = str(form.get("reason") or "").strip()
    if op not in BATCH_ACTIONS or not items:
        request.session["flash"] = {"kind": "bad", "text": ctx.label("请先勾选售后单。", "Tick the cases first.")}
        return RedirectResponse(back, status_code=303)
    if op == "reject" and not reason:
        request.session["flash"] = {"kind": "bad", "text": ctx.label("批量拒绝须填写拒绝理由。",
                                                                     "Give a reason to reject.")}
        return RedirectResponse(back, status_code=303)
    rows = service.summaries(ctx, [service.get(ctx, no) for no, _ in items])
    total = sum(parse_yuan(r["refund_amount"]) for r in rows if r.get("refund_amount"))
    if form.get("confirmed") != "yes":
        return render(request, "cases/batch_confirm.html", ctx, op=op, rows=rows, picked=picked, reason=reason,
                      total=format_fen(total), back=back)
    results = service.batch_transition(ctx, items, op, {"reason": reason} if op == "reject" else {})
    done = sum(1 for r in results if r["ok"])
    failed = [f"{r['no']}：{r['message']}" if ctx.lang != "en" else f"{r['no']}: {r['message']}"
              for r in results if not r["ok"]]
    verb = {"approve": ("同意", "approved"), "reject": ("拒绝", "rejected")}[op]
    text = ctx.label(f"已{verb[0]} {done} 个申请，合计 ¥{format_fen(total)}。",
                     f"{done} request(s) {verb[1]}, ¥{format_fen(total)} in all.")
    request.session["flash"] = {"kind": "bad" if failed else "ok", "text": text, "details": failed}
    return RedirectResponse(back, status_code=303)


def order_cases(ctx: Ctx, order: Any) -> dict[str, Any]:
    """The console order page's panel: the order's cases."""
    store = ctx.session.get_one(Store, order.store_id)
    rows, _ = service.list_page(ctx, {"order_no": order.order_no, "store_code": store.code}, limit=100)
    return {"cases": service.summaries(ctx, rows)}
