"""Console pages of the service department: the dispatch board, the workshop, the registration
book (叫修登记簿) and the printed forms — 服务凭证, 客户商品领取收据, 修护卡 — each with the case's QR code."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, ShouhouError, not_found
from shouhou.models import Store
from shouhou.repairs import case_pages, dispatch, printing, registration, service
from shouhou.repairs import repository as repo
from shouhou.repairs.workflow import INSTALLATION, REPAIR
from shouhou.web import nav
from shouhou.web.forms import error_text, fields_of
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/repairs/board", "Dispatch board",
             nav.may_take((REPAIR, INSTALLATION), "dispatch", "reschedule", "redispatch"), order=20)
nav.register("/console/tech", "My jobs", {"technician"}, order=21)
nav.landing("/console/tech", {"technician"}, priority=70)
nav.register("/console/workshop", "Workshop", {"technician", "supervisor", "agent", "warehouse"}, order=22)
nav.register("/console/repairs/book", "Registration book", {"agent", "supervisor"}, order=23)

WORKSHOP_STATES = ("in_workshop", "awaiting_approval", "in_repair", "awaiting_parts", "at_vendor", "qc",
                   "ready_for_return")
DAY_START, DAY_MINUTES = 7 * 60, 14 * 60  # the board's timeline: 07:00–21:00
FORMS = {"voucher": "repairs/print_voucher.html", "receipt": "repairs/print_receipt.html",
         "card": "repairs/print_card.html"}


def store_of(ctx: Ctx, code: str | None) -> Store:
    if code:
        return accounts.get_store(ctx.session, code)
    stores = accounts.visible_stores(ctx)
    if not stores:
        raise Invalid("store_required", en="No store to show", zh="没有可显示的店铺")
    return stores[0]


def _day(value: str | None, tz: ZoneInfo, ctx: Ctx) -> date:
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise Invalid("invalid_date", en="The date is yyyy-mm-dd", zh="日期格式为 yyyy-mm-dd") from None
    return ctx.clock.now().astimezone(tz).date()


def board_context(ctx: Ctx, store: Store, day: date) -> dict[str, Any]:
    tz = ZoneInfo(store.timezone)
    waiting = []
    for case, d in repo.cases_in_state(ctx.session, {store.id}, None, ["registered"]):
        if d.mode != "onsite" and d.kind == "repair":
            continue
        start, end = dispatch.default_window(ctx, d, tz)
        waiting.append({"case": cases.summaries(ctx, [case])[0], "detail": d, "tz": store.timezone,
                        "window": (start.astimezone(tz), end.astimezone(tz)),
                        "suggestions": dispatch.suggestions(ctx, case, d, start, end)["items"][:3]})
    lanes = []
    for row, user in repo.technicians(ctx.session, store.id):
        sched = dispatch.schedule(ctx, user.username, store.code, day)
        lanes.append({"user": user.username, "name": user.display_name, "skills": row.skills, "areas": row.areas,
                      "hours": sched["hours"], "jobs": [{**job, **_place(job, tz)} for job in sched["items"]]})
    return {"store": store, "day": day, "waiting": waiting, "lanes": lanes, "stores": accounts.visible_stores(ctx),
            "ticks": [(h, round((h * 60 - DAY_START) * 100 / DAY_MINUTES, 2))
                      for h in range(DAY_START // 60, (DAY_START + DAY_MINUTES) // 60 + 1)]}


def _place(job: dict[str, Any], tz: ZoneInfo) -> dict[str, float]:
    """Where an appointment sits on the day's timeline, in percent (repairs.js places it: the
    Content-Security-Policy refuses style attributes written in the page)."""
    start = datetime.fromisoformat(job["start"]).astimezone(tz)
    end = datetime.fromisoformat(job["end"]).astimezone(tz)
    a = min(max(start.hour * 60 + start.minute - DAY_START, 0), DAY_MINUTES)
    b = min(max(end.hour * 60 + end.minute - DAY_START, a + 15), DAY_MINUTES)
    return {"left": round(a * 100 / DAY_MINUTES, 2), "width": round((b - a) * 100 / DAY_MINUTES, 2)}


@router.get("/console/repairs/board")
def board(request: Request, store: str | None = None, day: str | None = None) -> Response:
    ctx = ctx_of(request)
    s = store_of(ctx, store)
    return render(request, "repairs/board.html", ctx, error=None,
                  **board_context(ctx, s, _day(day, ZoneInfo(s.timezone), ctx)))


def window_from_form(form: dict[str, Any], tz: ZoneInfo) -> dict[str, str]:
    """The board's date and two times as the window's ISO instants in the store's zone."""
    try:
        day = date.fromisoformat(str(form.get("date", "")))
        start = datetime.combine(day, time.fromisoformat(str(form.get("start", ""))), tzinfo=tz)
        end = datetime.combine(day, time.fromisoformat(str(form.get("end", ""))), tzinfo=tz)
    except ValueError:
        raise Invalid("invalid_window", en="Give the day and the start and end times",
                      zh="请填写日期和起止时间") from None
    return {"start": start.isoformat(), "end": end.isoformat()}


@router.post("/console/repairs/board/{action}")
async def board_act(action: str, request: Request) -> Response:
    """Dispatch or reschedule from the board."""
    ctx = ctx_of(request)
    form = await check_csrf(request)
    s = store_of(ctx, str(form.get("store") or "") or None)
    tz = ZoneInfo(s.timezone)
    day = str(form.get("date") or "")
    try:
        if action not in ("dispatch", "reschedule", "redispatch"):
            raise not_found("action", action)
        fields: dict[str, Any] = {"window": window_from_form(form, tz)}
        if action != "reschedule":
            fields["technician"] = str(form.get("technician", ""))
        cases.transition(ctx, str(form.get("no", "")), action, int(str(form.get("version") or 0)), fields)
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, "repairs/board.html", ctx, status=STATUS.get(exc.kind, 422), error=error_text(exc, ctx.lang),
                      **board_context(ctx, s, _day(day or None, tz, ctx)))
    return RedirectResponse(f"/console/repairs/board?store={s.code}&day={day}", status_code=303)


@router.get("/console/workshop")
def workshop_page(request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    s = store_of(ctx, store)
    rows = repo.cases_in_state(ctx.session, {s.id}, "repair", list(WORKSHOP_STATES))
    by_state: dict[str, list[Any]] = {name: [] for name in WORKSHOP_STATES}
    summaries = cases.summaries(ctx, [c for c, _ in rows])
    for (case, d), summary in zip(rows, summaries, strict=True):
        by_state[case.status].append({"case": summary, "detail": d})
    register = service.workshop_register(ctx, store_code=s.code, open_only=False, since=None, until=None)
    return render(request, "repairs/workshop.html", ctx, store=s, stores=accounts.visible_stores(ctx),
                  by_state=by_state, register=register["items"][:100], states=WORKSHOP_STATES,
                  qc=[_qc(ctx, x["case"]["no"]) for x in by_state["qc"]])


def _qc(ctx: Ctx, no: str) -> dict[str, Any]:
    doc = cases.document(ctx, cases.get(ctx, no))
    return {"doc": doc, "actions": [(a, fields_of(a["fields"])) for a in doc["available_actions"]
                                    if a["name"] in ("pass_qc", "fail_qc")]}


@router.get("/console/repairs/book")
def book(request: Request, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    s = store_of(ctx, store)
    found = service.registration_book(ctx, s.code)
    return render(request, "repairs/book.html", ctx, store=s, stores=accounts.visible_stores(ctx), items=found["items"],
                  today=ctx.clock.now().astimezone(ZoneInfo(s.timezone)).date())


@router.get("/console/repairs/book/print")
def book_sheet(request: Request, store: str | None = None, day: str | None = None) -> Response:
    """The day's 叫修登记簿 sheet: every call registered that day, whatever became of it."""
    ctx = ctx_of(request)
    s = store_of(ctx, store)
    service.registration_book(ctx, s.code)  # the permission check
    tz = ZoneInfo(s.timezone)
    when = _day(day, tz, ctx)
    start = datetime.combine(when, time(0), tzinfo=tz)
    rows = [(c, d) for c, d in repo.cases_in_state(ctx.session, {s.id}, None, [], limit=5000)
            if start <= c.created_at < start + timedelta(days=1)]
    items = registration.book_lines(ctx, rows, s.timezone)
    return render(request, "repairs/print_book.html", ctx, store=s, day=when, items=items, qr=printing.qr)


@router.get("/console/repairs/{no}/print/{form}")
def print_form(no: str, form: str, request: Request) -> Response:
    ctx = ctx_of(request)
    if form not in FORMS:
        raise not_found("form", form)
    case = service.repair_case(ctx, no)
    doc = cases.document(ctx, case)
    if form == "receipt" and not doc.get("receipt"):
        raise Invalid("no_receipt", en="No receipt was issued for {case}", zh="售后单 {case} 未开具收据", case=no)
    store = ctx.session.get_one(Store, case.store_id)
    return render(request, FORMS[form], ctx, doc=doc, store=store, qr=printing.qr(no),
                  options=case_pages.field_options(ctx, case),  # the fault code in words, as on the case page
                  printed_at=ctx.clock.now().astimezone(ZoneInfo(store.timezone)))



@router.get("/console/repairs/{no}/signatures/{signature_id}.png")
@router.get("/portal/repairs/{no}/signatures/{signature_id}.png")
def signature_png(no: str, signature_id: int, request: Request) -> Response:
    """A signature as the customer drew it, for whoever may see the case."""
    sig = service.signature(ctx_of(request), no, signature_id)
    return Response(sig.png, media_type="image/png", headers={"x-sha256": sig.sha256,
                                                              "cache-control": "private, max-age=3600"})
