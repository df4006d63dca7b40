"""The staff console and customer portal: server-rendered, zh-CN by default, no CDN.

`install(app, settings)` mounts the static files, the signed session cookie and an HTML face
for errors a browser meets (a 404, a 403, a refused form): a page in the console's style, while
the API keeps its JSON errors; the app (shouhou/app.py) mounts every context's pages.
"""

from __future__ import annotations

import logging
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from shouhou.api.errors import STATUS, database_refusal
from shouhou.api.lang import request_lang
from shouhou.config import Settings
from shouhou.errors import ShouhouError
from shouhou.web.session import LoginRequired, WrongSide, login_url
from shouhou.web.templating import render

log = logging.getLogger("shouhou.web")
HTML_PREFIXES = ("/console", "/portal", "/login", "/logout", "/lang", "/media")
# Plain words for the statuses a browser may meet, by status: (title zh, title en, text zh, text en).
PLAIN = {
    404: ("页面不存在", "Page not found", "您要找的页面不存在，或您无权查看。", "This page does not exist, or it is not yours to see."),
    403: ("无权访问", "Not allowed", "您没有权限执行此操作。", "You are not allowed to do this."),
    405: ("无法这样打开", "Not like this", "这个地址不能这样打开。", "This address cannot be opened this way."),
}


def wants_html(request: Request) -> bool:
    """A browser's request outside the API: a page answers it, not JSON."""
    path = request.url.path
    if path.startswith(HTML_PREFIXES):
        return True
    if path.startswith(("/api", "/metrics", "/healthz", "/readyz", "/static")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _lang(request: Request) -> str:
    return request_lang(request)


def install(app: FastAPI, settings: Settings) -> None:
    app.mount("/static", StaticFiles(directory=str(files("shouhou.web") / "static")), name="static")
    app.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret(), session_cookie="shouhou_session",
                       same_site="lax", https_only=settings.cookie_secure, max_age=12 * 3600)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(WrongSide)
    async def _side(request: Request, exc: WrongSide) -> Response:
        return RedirectResponse(exc.to, status_code=303)

    api_handler = app.exception_handlers[ShouhouError]
    http_handler = app.exception_handlers[StarletteHTTPException]
    database_handler = app.exception_handlers[DBAPIError]
    unexpected_handler = app.exception_handlers[Exception]

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        if not wants_html(request):
            return await unexpected_handler(request, exc)  # type: ignore[misc]
        log.exception("unhandled error", exc_info=exc)
        en = _lang(request) == "en"
        try:
            return render(request, "error.html", None, status=500, title="Something went wrong" if en else "出了点问题",
                          message="Internal error; nothing was changed" if en else "服务器内部错误，未做任何更改")
        except Exception:  # the page itself failed: the plain answer still says it
            return await unexpected_handler(request, exc)  # type: ignore[misc]

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _database(request: Request, exc: Exception) -> Response:
        refusal = database_refusal(exc)
        if not wants_html(request) or refusal is None:
            return await database_handler(request, exc)  # type: ignore[misc]
        log.warning("%s: %s", refusal[0], getattr(exc, "orig", None) or exc)  # as the API's handler logs it
        en = _lang(request) == "en"
        response = render(request, "error.html", None, status=503, title="Please retry" if en else "请稍后重试",
                          message=refusal[1] if en else refusal[2])
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(ShouhouError)
    async def _domain(request: Request, exc: ShouhouError) -> Response:
        if not wants_html(request):
            return await api_handler(request, exc)  # type: ignore[misc]  # the API's handler is a coroutine
        status = STATUS.get(exc.kind, 422)
        lang = _lang(request)
        title = PLAIN.get(status, ("出了点问题", "Something is not right", "", ""))
        return render(request, "error.html", None, status=status, title=title[lang == "en"],
                      message=exc.message(lang))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html(request) or exc.status_code not in PLAIN:
            return await http_handler(request, exc)  # type: ignore[misc]
        zh_title, en_title, zh_text, en_text = PLAIN[exc.status_code]
        en = _lang(request) == "en"
        return render(request, "error.html", None, status=exc.status_code, title=en_title if en else zh_title,
                      message=en_text if en else zh_text)
