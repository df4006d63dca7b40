"""Pages of logistics cases: the console's list, registration form and damage register (with its CSV);
the portal's form. A case's own page is the generic case page with logistics/_case.html."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou import exports
from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import ShouhouError, forbidden
from shouhou.logistics import register as book
from shouhou.logistics import service
from shouhou.logistics.schemas import Problem
from shouhou.logistics.workflow import OPEN, WORKFLOW
from shouhou.orders import service as orders
from shouhou.web import nav
from shouhou.web.carriers import carrier_name
from shouhou.web.forms import error_text
from shouhou.web.i18n import gettext
from shouhou.web.photos import forget_photos, save_photos
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
REGISTRARS = nav.may_take([WORKFLOW], "log_query")  # those who call carriers also register a parcel problem
nav.register("/console/logistics", "Parcel problems",
             nav.may_take([WORKFLOW], "log_query", "record_carrier_compensation"), order=58)
# The damage register is linked from the list: one menu entry per kind of work keeps the menu short.
PROBLEMS = get_args(Problem)
STAFF_CHANNELS = ("hotline", "chat", "wechat", "email", "counter")
FIELDS = ("store", "order_no", "customer", "carrier", "tracking_no", "problem", "skus", "description", "channel",
          "priority")


@router.get("/console/logistics")
def logistics_cases(request: Request, status: str = ",".join(OPEN)) -> Response:
    ctx = ctx_of(request)
    rows, _ = cases.list_page(ctx, {"type": WORKFLOW.type, "status": [s for s in status.split(",") if s] or None},
                              limit=200)
    return render(request, "logistics/list.html", ctx, rows=cases.summaries(ctx, rows), deadlines=cases.deadlines(
        ctx, rows), registers=bool(ctx.actor.roles & REGISTRARS))


def _form_page(request: Request, ctx: Ctx, form: dict[str, Any], error: str | None = None, status: int = 200):
    return render(request, "logistics/new.html", ctx, status=status, error=error, form=form,
                  stores=accounts.visible_stores(ctx), problems=PROBLEMS, channels=STAFF_CHANNELS)


@router.get("/console/logistics/new")
def new_case_form(request: Request, order_no: str = "", store: str = "", tracking_no: str = "") -> Response:
    ctx = ctx_of(request)
    return _form_page(request, ctx, {"order_no": order_no, "store": store, "tracking_no": tracking_no,
                                     "channel": "hotline", "priority": "normal"})


def _body(sent: dict[str, str], **more: Any) -> dict[str, Any]:
    """The create body from a form: blanks left out, the items one per line or separated by commas."""
    body: dict[str, Any] = {"type": WORKFLOW.type, **more, **{k: v for k, v in sent.items() if v and k != "skus"}}
    skus = [s.strip() for s in sent.get("skus", "").replace("，", ",").replace("\n", ",").split(",") if s.strip()]
    if skus:
        body["skus"] = skus
    return body


@router.post("/console/logistics/new")
async def new_case(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    sent = {k: str(form.get(k, "")).strip() for k in FIELDS}
    try:
        case = cases.create(ctx, _body(sent))
    except ShouhouError as exc:
        ctx.session.rollback()
        return _form_page(request, ctx, sent, error_text(exc, ctx.lang), STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/cases/{case.no}", status_code=303)


# -- the damage register (破损登记簿) ------------------------------------------------------------

COLUMNS = (("Report date", "reported_on"), ("Case no.", "case"), ("Carrier", "carrier"),
           ("Tracking no.", "tracking_no"), ("Parcel condition", "condition"), ("Carrier agent id", "carrier_agent"),
           ("Goods value", "goods_value"), ("Items", "skus"), ("Handled by", "handled_by"),
           ("Carrier's answer", "answer"), ("Carrier compensation", "compensation"))


def _register(request: Request, month: str, store: str) -> tuple[Ctx, list[Any], Any, str, dict | None, str | None]:
    ctx = ctx_of(request)
    stores = [s for s in accounts.visible_stores(ctx) if ctx.actor.roles_in(s.id) & service.READERS]
    if not stores:
        raise forbidden("logistics.register")
    chosen = next((s for s in stores if s.code == store), stores[0])
    month = month if book.is_month(month) else service.this_month(ctx, chosen)  # this month where the store is
    try:
        return ctx, stores, chosen, month, service.register(ctx, chosen.code, month), None
    except ShouhouError as exc:
        return ctx, stores, chosen, month, None, error_text(exc, ctx.lang)


@router.get("/console/logistics/register")
def register_page(request: Request, month: str = "", store: str = "") -> Response:
    ctx, stores, chosen, month, found, error = _register(request, month, store)
    y, m = int(month[:4]), int(month[5:7])
    previous = f"{y - (m == 1):04d}-{12 if m == 1 else m - 1:02d}"
    following = f"{y + (m == 12):04d}-{1 if m == 12 else m + 1:02d}"
    return render(request, "logistics/register.html", ctx, register=found, error=error, month=month, stores=stores,
                  store=chosen.code, previous=previous, following=following)


@router.get("/console/logistics/register/export.csv")
def register_csv(request: Request, month: str = "", store: str = "") -> Response:
    ctx, _, chosen, month, found, _ = _register(request, month, store)
    rows: list[Sequence[Any]] = [[_cell(ctx, r, key) for _, key in COLUMNS] for r in (found or {"items": []})["items"]]
    body, media, name = exports.render("csv", [gettext(ctx.lang, label) for label, _ in COLUMNS], rows,
                                       f"damage-register-{chosen.code}-{month}")
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


CODE_PREFIX = {"condition": "parcel", "answer": "claim"}  # as web/labels.py CODES names them


def _cell(ctx: Ctx, row: dict[str, Any], key: str) -> Any:
    """A register cell as the page shows it: codes in words, carriers by name, items joined."""
    value = row[key]
    if key in ("condition", "answer"):
        return gettext(ctx.lang, f"{CODE_PREFIX[key]}:{value}")
    if key == "carrier":
        return carrier_name(value, ctx.lang)
    if key == "skus":
        return " ".join(value)
    return value


# -- the customer portal (PortalOffer.link of `logistics`) ---------------------------------------

def _parcels(ctx: Ctx, order_no: str) -> list[Any]:
    """The buyer's order's parcels, to pick the one the problem is about (none if the order is not theirs)."""
    if not order_no:
        return []
    try:
        order = orders.find_order(ctx, order_no)
        orders.require_order_access(ctx, order)
    except ShouhouError:
        return []
    return orders.shipments_of(ctx, order.id)


def _portal_page(request: Request, ctx: Ctx, form: dict[str, Any], error: str | None = None, status: int = 200):
    return render(request, "logistics/portal_new.html", ctx, status=status, error=error, form=form,
                  problems=PROBLEMS, parcels=_parcels(ctx, form.get("order_no", "")))


@router.get("/portal/logistics/new")
def portal_form(request: Request, order_no: str = "") -> Response:
    return _portal_page(request, ctx_of(request), {"order_no": order_no})


@router.post("/portal/logistics/new")
async def portal_case(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    sent = {k: str(form.get(k, "")).strip() for k in ("order_no", "carrier", "tracking_no", "problem", "description")}
    saved: list[str] = []
    try:
        saved = await save_photos(request, ctx.settings.var_dir)
        case = cases.create(ctx, _body(sent, channel="portal", **({"photos": saved} if saved else {})))
    except ShouhouError as exc:
        ctx.session.rollback()
        forget_photos(ctx.settings.var_dir, saved)  # nothing of a refused form stays
        return _portal_page(request, ctx, sent, error_text(exc, ctx.lang), STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)
