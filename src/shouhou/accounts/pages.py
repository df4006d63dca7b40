"""Console sign-in, language, and per-user list preferences."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service
from shouhou.errors import ShouhouError
from shouhou.web.session import check_csrf, ctx_of, is_staff, sign_in, sign_out
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)


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
    return RedirectResponse("/console/cases" if is_staff(ctx) else "/portal", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next, ""), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await check_csrf(request)
    next_path = _safe_next(form.get("next"), "")
    try:
        actor = service.authenticate_password(request.state.session, str(form.get("username", "")),
                                              str(form.get("password", "")))
    except ShouhouError as exc:
        lang = "en" if request.cookies.get("lang") == "en" else "zh"
        return render(request, "login.html", None, status=401, next=next_path, error=exc.message(lang),
                      username=form.get("username", ""))
    sign_in(request, actor.user_id or 0)
    staff = bool(actor.roles - {"customer"})
    return RedirectResponse(next_path or ("/console/cases" if staff else "/portal"), status_code=303)


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
