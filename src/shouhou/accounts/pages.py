"""Console sign-in, language, and per-user list preferences."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from shouhou.accounts import service, signin
from shouhou.api.lang import request_lang
from shouhou.errors import ShouhouError, Throttled
from shouhou.fields import local_iso
from shouhou.web import nav
from shouhou.web.session import check_csrf, ctx_of, is_staff, sign_in, sign_out, staff_only
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/tokens", "API tokens", {"admin"}, order=90)


def _safe_next(value: str | None, default: str) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if not value or urlparse(value).netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value


@router.get("/")
def home(request: Request) -> Response:
    if request.session.get("uid") is None:
        return RedirectResponse("/login", status_code=303)
    ctx = ctx_of(request)
    return RedirectResponse(nav.landing_for(ctx.actor) if is_staff(ctx) else "/portal", status_code=303)


@router.get("/console")
def console_home(request: Request) -> Response:
    """Each role's own start page (a buyer is sent to the portal)."""
    ctx = staff_only(request)
    return RedirectResponse(nav.landing_for(ctx.actor), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next, ""), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await check_csrf(request)
    next_path = _safe_next(form.get("next"), "")
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    address = request.client.host if request.client else "-"
    try:
        attempt = await _verify(request, username, password, address)
    except ShouhouError as exc:
        lang = request_lang(request)
        response = render(request, "login.html", None, status=429 if isinstance(exc, Throttled) else 401,
                          next=next_path, error=exc.message(lang), username=username)
        if isinstance(exc, Throttled):
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response
    assert attempt.user_id is not None
    sign_in(request, attempt.user_id, attempt.session_epoch)
    staff = bool(attempt.roles - {"customer"})
    return RedirectResponse(next_path or ("/console" if staff else "/portal"), status_code=303)


async def _verify(request: Request, username: str, password: str, address: str) -> signin.Attempt:
    """Count, verify and settle one attempt. The counters are written in transactions of their
    own, kept whatever the answer; the argon2 verification holds no database lock and runs in
    a worker thread, so the server goes on serving meanwhile."""
    db, settings = request.app.state.db, request.app.state.settings
    limits, now = signin.Limits.of(settings), request.app.state.clock.now()
    if "\x00" in username:  # no user can be called so (PostgreSQL text cannot hold it)
        raise signin.failed(signin.Attempt(username.replace("\x00", "\\0"), address, "", None))

    def begin() -> signin.Attempt:
        for tries_left in (1, 0):
            try:
                with db.session() as session:
                    return signin.begin(session, limits, now, username, address)
            except IntegrityError:  # another process counted this key's first failure meanwhile
                if not tries_left:
                    raise
        raise AssertionError("unreachable")

    attempt = await anyio.to_thread.run_sync(begin)
    if not await anyio.to_thread.run_sync(signin.verify, attempt, password):
        raise signin.failed(attempt)

    def settle() -> None:
        with db.session() as session:
            signin.succeeded(session, limits, attempt)

    await anyio.to_thread.run_sync(settle)
    return attempt


@router.post("/logout")
async def logout(request: Request) -> Response:
    await check_csrf(request)
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def language(code: str, request: Request, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next, "/"), status_code=303)
    response.set_cookie("lang", "en" if code == "en" else "zh", max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.post("/console/prefs/{key}")
async def save_preference(key: str, request: Request) -> Response:
    """Remember a list's columns: order, hidden and frozen (from the panel form or the JS)."""
    ctx = ctx_of(request)
    form = await check_csrf(request)
    if "json" in form:
        value = json.loads(str(form["json"]))
    else:
        order = [c.strip() for c in str(form.get("order", "")).split(",") if c.strip()]
        shown = form.get("shown") or []
        shown = [shown] if isinstance(shown, str) else list(shown)
        value = {"order": order, "hidden": [c for c in order if c not in shown],
                 "frozen": int(form.get("frozen") or 0)}
    service.set_preference(ctx, f"{key}.columns", value)
    return RedirectResponse(_safe_next(form.get("back"), "/console/cases"), status_code=303)


@router.get("/console/tokens")
def tokens(request: Request) -> Response:
    ctx = ctx_of(request)
    zone = ctx.settings.timezone
    rows = [{"id": t.id, "prefix": t.prefix, "user": user, "name": t.name,
             **{k: local_iso(getattr(t, k), zone) for k in ("created_at", "expires_at", "last_used_at", "revoked_at")}}
            for t, user in service.list_tokens(ctx)]
    return render(request, "accounts/tokens.html", ctx, tokens=rows)


@router.post("/console/tokens/{token_id}/revoke")
async def revoke(token_id: int, request: Request) -> Response:
    ctx = ctx_of(request)
    await check_csrf(request)
    service.revoke_token(ctx, str(token_id))
    return RedirectResponse("/console/tokens", status_code=303)
