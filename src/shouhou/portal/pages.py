"""The customer portal: own orders and what each line may ask for, applications, own cases."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from shouhou import uploads
from shouhou.cases import service as cases
from shouhou.cases.pages import STATUS, detail_context, take_action
from shouhou.errors import Invalid, ShouhouError, not_found
from shouhou.models import Store
from shouhou.orders import repository as orders_repo
from shouhou.orders import service as orders
from shouhou.policies.service import order_entitlements
from shouhou.returns import reasons
from shouhou.returns.reasons import RETURN_TYPES
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


@router.get("/portal")
def portal_home(request: Request) -> Response:
    ctx = ctx_of(request)
    own = []
    if ctx.actor.customer_id is not None:
        own = [orders.document(ctx, o) for o in orders_repo.orders_of_customer(ctx.session, ctx.actor.customer_id)]
    rows, _ = cases.list_page(ctx, {}, limit=100)
    return render(request, "portal/home.html", ctx, orders=own, cases=cases.summaries(ctx, rows))


def _order_page(request: Request, ctx, order_no: str, *, error: str | None = None, status: int = 200,  # noqa: ANN001
                form: dict | None = None) -> Response:
    order = orders.find_order(ctx, order_no)
    orders.require_order_access(ctx, order)
    store = ctx.session.get_one(Store, order.store_id)
    catalogue = {t: reasons.for_type(ctx, store, t) for t in RETURN_TYPES}
    return render(request, "portal/order.html", ctx, status=status, order=orders.document(ctx, order),
                  entitlements=order_entitlements(ctx, order), reasons=catalogue, error=error, form=form or {})


@router.get("/portal/orders/{order_no}")
def portal_order(order_no: str, request: Request) -> Response:
    return _order_page(request, ctx_of(request), order_no)


@router.post("/portal/orders/{order_no}/apply")
async def portal_apply(order_no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    lines = []
    for key, value in form.items():
        if key.startswith("qty_") and str(value).strip() not in ("", "0"):
            lines.append({"line_no": int(key[4:]), "qty": int(str(value))})
    body = {"type": str(form.get("type", "")), "order_no": order_no, "reason": str(form.get("reason", "")),
            "description": str(form.get("description", "")), "lines": lines, "channel": "portal"}
    if form.get("exchange_sku"):
        body["exchange_sku"] = str(form["exchange_sku"]).strip()
    try:
        if not lines:
            raise Invalid("no_lines", en="Choose at least one item and a quantity", zh="请选择至少一件商品并填写数量")
        body["photos"] = await _save_photos(request, ctx.settings.var_dir)
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        _forget_photos(ctx.settings.var_dir, body.get("photos", []))  # nothing of a refused application stays
        return _order_page(request, ctx, order_no, error=exc.message(ctx.lang), status=STATUS.get(exc.kind, 422),
                           form=body)
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)


async def _save_photos(request: Request, var_dir: Path) -> list[str]:
    form = await request.form()
    saved = []
    for upload in form.getlist("photos"):
        if not hasattr(upload, "read") or not getattr(upload, "filename", ""):
            continue
        ext = PHOTO_TYPES.get(getattr(upload, "content_type", ""), None)
        data = await upload.read()
        if ext is None or len(data) > MAX_PHOTO_BYTES:
            raise Invalid("invalid_photo", en="Photos must be JPEG, PNG, WebP or GIF up to 8 MB",
                          zh="照片须为 JPEG、PNG、WebP 或 GIF, 不超过 8 MB")
        saved.append(uploads.save(var_dir, data, ext))
    return saved


def _forget_photos(var_dir: Path, urls: list[str]) -> None:
    for url in urls:
        uploads.path_of(var_dir, url).unlink(missing_ok=True)


@router.get("/media/{name}")
def media(name: str, request: Request) -> Response:
    ctx = ctx_of(request)  # signed-in users only
    path = Path(ctx.settings.var_dir) / "uploads" / name
    if "/" in name or ".." in name or not path.is_file():
        raise not_found("photo", name)
    return FileResponse(path)


@router.get("/portal/cases/{no}")
def portal_case(no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    return render(request, "portal/case.html", ctx, error=None, **detail_context(ctx, no))


@router.post("/portal/cases/{no}/act")
async def portal_act(no: str, request: Request) -> Response:
    return await take_action(request, no, "portal/case.html", f"/portal/cases/{no}")


@router.get("/portal/consult")
def consult_form(request: Request, order_no: str = "") -> Response:
    ctx = ctx_of(request)
    return render(request, "portal/consult.html", ctx, error=None, form={"order_no": order_no})


@router.post("/portal/consult")
async def consult(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    body = {"type": "consultation", "channel": "portal", "subject": str(form.get("subject", "")).strip(),
            "description": str(form.get("description", "")).strip()}
    if str(form.get("order_no", "")).strip():
        body["order_no"] = str(form["order_no"]).strip()
    try:
        case = cases.create(ctx, body)
    except ShouhouError as exc:
        ctx.session.rollback()
        return render(request, "portal/consult.html", ctx, status=STATUS.get(exc.kind, 422),
                      error=exc.message(ctx.lang), form=body)
    return RedirectResponse(f"/portal/cases/{case.no}", status_code=303)
