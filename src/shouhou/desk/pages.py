"""The agent's console pages: the inbox sorted by service-level due time, one case's workspace
(reply with canned replies, internal notes, the customer beside), and the hotline's call form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.desk import calls, inbox
from shouhou.desk.schemas import CallIn
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF
from shouhou.errors import Invalid, ShouhouError
from shouhou.web import nav
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
DESK = {"agent", "supervisor"}
nav.register("/console/desk", "Inbox", DESK, order=5)
nav.register("/console/desk/call", "Hotline", DESK, order=6)


@router.get("/console/desk")
def inbox_page(request: Request) -> Response:
    ctx = ctx_of(request)
    return render(request, "desk/inbox.html", ctx, views=inbox.views(ctx))


def _workspace(request: Request, ctx: Ctx, no: str, *, draft: str = "", error: str | None = None,
               status: int = 200) -> Response:
    return render(request, "desk/workspace.html", ctx, status=status, draft=draft, error=error,
                  **inbox.workspace(ctx, no))


@router.get("/console/desk/cases/{no}")
def workspace_page(no: str, request: Request) -> Response:
    return _workspace(request, ctx_of(request), no)


@router.post("/console/desk/cases/{no}/insert")
async def insert_canned(no: str, request: Request) -> Response:
    """The chosen canned reply, its variables filled in, added to the draft (edited before sending)."""
    ctx = ctx_of(request)
    form = await check_csrf(request)
    draft = str(form.get("message", ""))
    try:
        reply_id = int(str(form.get("reply", "")))
    except ValueError:
        return _workspace(request, ctx, no, draft=draft, status=422,
                          error=Invalid("invalid_reply", en="Choose a canned reply", zh="请选择话术").message(ctx.lang))
    try:
        text = inbox.canned(ctx, no, reply_id)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _workspace(request, ctx, no, draft=draft, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422))
    return _workspace(request, ctx, no, draft=(draft.rstrip() + "\n\n" + text).strip())


@router.post("/console/desk/cases/{no}/send")
async def send(no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    form = await check_csrf(request)
    text = str(form.get("message", ""))
    try:
        version = int(str(form.get("_version", "0")) or 0)
        inbox.send(ctx, no, version, str(form.get("kind", "reply")), text)
    except ValueError:
        return _workspace(request, ctx, no, draft=text, status=422, error=Invalid(
            "invalid_version", en="Reload the case and retry", zh="请刷新后重试").message(ctx.lang))
    except ShouhouError as exc:
        ctx.session.rollback()
        return _workspace(request, ctx, no, draft=text, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/desk/cases/{no}", status_code=303)


@router.post("/console/desk/cases/{no}/here")
async def here(no: str, request: Request) -> Response:
    """desk.js: I have the case open or am typing; answers who else is on it (collision notice)."""
    ctx = ctx_of(request)
    form = await check_csrf(request)
    state = "replying" if form.get("state") == "replying" else "viewing"
    return JSONResponse({"others": inbox.here(ctx, no, state)})


def _call_page(request: Request, ctx: Ctx, *, form: dict[str, Any], error: str | None = None,
               status: int = 200) -> Response:
    stores = [s for s in accounts.visible_stores(ctx) if ctx.actor.roles_in(s.id) & STAFF]
    found: list[dict[str, Any]] = []
    phone = str(form.get("phone", "")).strip()
    if phone and len(phone) >= 3:
        store = str(form.get("store") or (stores[0].code if stores else ""))
        try:
            found = calls.caller_cases(ctx, phone[:40], store or None)["items"]
        except ShouhouError:
            found = []
    return render(request, "desk/call.html", ctx, status=status, form=form, error=error, stores=stores,
                  found=found)


@router.get("/console/desk/call")
def call_page(request: Request) -> Response:
    ctx = ctx_of(request)
    return _call_page(request, ctx, form=dict(request.query_params))


@router.post("/console/desk/call")
async def register_call(request: Request) -> Response:
    """受理来电: one form; the call's time is now."""
    ctx = ctx_of(request)
    form = await check_csrf(request)
    fields = {k: str(form.get(k, "")).strip() for k in ("store", "phone", "caller", "subject", "description",
                                                        "order_no", "unit", "priority")}
    try:
        body = CallIn.model_validate({k: v for k, v in fields.items() if v})
        case = calls.register_call(ctx, body)
    except ValidationError as exc:
        names = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return _call_page(request, ctx, form=fields, status=422, error=Invalid(
            "invalid_call", en="Check these fields: {fields}", zh="请检查以下字段: {fields}",
            fields=names).message(ctx.lang))
    except ShouhouError as exc:
        ctx.session.rollback()
        return _call_page(request, ctx, form=fields, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422))
    return RedirectResponse(f"/console/desk/cases/{case.no}", status_code=303)
