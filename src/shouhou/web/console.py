"""The staff console and customer portal: server-rendered, zh-CN by default, no CDN.

`install(app, settings)` mounts the static files, the signed session cookie, the pages
of every context, and an HTML face for errors on console paths.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from shouhou.api.errors import STATUS
from shouhou.config import Settings
from shouhou.errors import ShouhouError
from shouhou.web.headers import SecurityHeaders
from shouhou.web.session import LoginRequired, login_url
from shouhou.web.templating import render

HTML_PREFIXES = ("/console", "/portal", "/login", "/logout", "/lang")


def install(app: FastAPI, settings: Settings) -> None:
    app.mount("/static", StaticFiles(directory=str(files("shouhou.web") / "static")), name="static")
    app.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret(), session_cookie="shouhou_session",
                       same_site="lax", https_only=settings.cookie_secure, max_age=12 * 3600)
    app.add_middleware(SecurityHeaders, hsts=settings.cookie_secure)
    for router in _routers():
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    api_handler = app.exception_handlers[ShouhouError]

    @app.exception_handler(ShouhouError)
    async def _domain(request: Request, exc: ShouhouError) -> Response:
        if not request.url.path.startswith(HTML_PREFIXES):
            return await api_handler(request, exc)
        lang = "en" if request.cookies.get("lang") == "en" else "zh"
        return render(request, "error.html", None, status=STATUS.get(exc.kind, 422), code=exc.code,
                      message=exc.message(lang))


def _routers() -> list:
    from shouhou.accounts.pages import router as accounts
    from shouhou.cases.pages import router as cases
    from shouhou.orders.pages import router as orders
    from shouhou.policies.pages import router as policies
    from shouhou.portal.pages import router as portal
    from shouhou.returns.pages import router as returns

    return [accounts, cases, orders, returns, policies, portal]
