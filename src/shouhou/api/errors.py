"""The one place that turns domain errors into HTTP: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from shouhou.api.body import PayloadTooLarge, too_large
from shouhou.api.lang import request_lang
from shouhou.errors import Invalid, ShouhouError
from shouhou.fields import UNSAFE_URL_EN, UNSAFE_URL_ZH

# Starlette's own errors (no route, wrong method) in zh-CN and English.
PLAIN_HTTP = {404: ("找不到该地址", "Not Found"), 405: ("不支持该请求方法", "Method Not Allowed")}
STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "unauthorized": 401, "conflict": 409, "throttled": 429}
log = logging.getLogger("shouhou.api")
BUSY_EN = "The database is busy with another change; nothing was changed. Retry the request"
BUSY_ZH = "数据库正忙于其他更改，未做任何更改，请重试"
COMMIT_FAILED_EN = "The change could not be saved; nothing was changed"
COMMIT_FAILED_ZH = "保存失败，未做任何更改"


UNAVAILABLE_EN = "The database is unavailable; nothing was changed. Retry the request"
UNAVAILABLE_ZH = "数据库暂时不可用，未做任何更改，请重试"
CROWDED_EN = "The server is busy with other requests; nothing was changed. Retry the request"
CROWDED_ZH = "服务器正忙于处理其他请求，未做任何更改，请重试"


# What a statement or a checkout may raise when the database, not the code, failed.
DATABASE_ERRORS = (DBAPIError, PoolTimeout)
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout


def is_busy(exc: DBAPIError) -> bool:
    """Another writer held what the request needed past the time limit: SQLite's database (the
    writers' queue and busy timeout), a PostgreSQL row or table (lock_timeout)."""
    return "database is locked" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE


def is_unavailable(exc: DBAPIError) -> bool:
    """The database could not be reached or the connection broke (a restart, an outage, a
    deadlock victim): the statement did nothing, and the same request may work again."""
    return exc.connection_invalidated or isinstance(exc, OperationalError)


def database_refusal(exc: Exception) -> tuple[str, str, str] | None:
    """(code, English, Chinese) of the 503 for a database that is busy or gone, None for anything
    else (a bug). A pool with no connection free past its timeout is busy too: every connection
    is serving another request, and nothing was done."""
    if isinstance(exc, PoolTimeout):
        return "database_busy", CROWDED_EN, CROWDED_ZH
    if isinstance(exc, DBAPIError) and is_busy(exc):
        return "database_busy", BUSY_EN, BUSY_ZH
    if isinstance(exc, DBAPIError) and is_unavailable(exc):
        return "database_unavailable", UNAVAILABLE_EN, UNAVAILABLE_ZH
    return None


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def public_details(err: ShouhouError) -> dict[str, Any]:
    # *_zh / *_en keys only feed the message templates.
    return {k: v for k, v in err.details.items() if not k.endswith(("_zh", "_en"))}


def render(err: ShouhouError, lang: str) -> JSONResponse:
    status = STATUS.get(err.kind, 422)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429:
        headers = {"Retry-After": str(err.details.get("retry_after", 1))}
    return JSONResponse(error_body(err.code, err.message(lang), public_details(err)), status_code=status,
                        headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """The methods of the path's resource: of the most specific route template that matches it (a
    fixed path before one with parameters), all its routes together. Starlette names only the
    first route that matched, which for a path with several methods is one of them."""
    path = request.scope["path"]
    found: dict[str, set[str]] = {}
    for route in iter_route_contexts(request.app.router.routes):
        methods, regex = route.methods, getattr(route, "path_regex", None)
        if methods and route.path is not None and regex is not None and regex.match(path):
            found.setdefault(route.path, set()).update(methods)
    if not found:
        return []
    return sorted(found[min(found, key=lambda template: template.count("{"))])


def install(app: FastAPI) -> None:
    @app.exception_handler(ShouhouError)
    async def _domain(request: Request, exc: ShouhouError) -> JSONResponse:
        return render(exc, request_lang(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = request_lang(request)
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        if errors and all(e["type"] == "unsafe_url" for e in errors):  # as fields.invalid_fields says it
            return render(Invalid("unsafe_url", en=UNSAFE_URL_EN, zh=UNSAFE_URL_ZH, errors=errors), lang)
        msg = "The request has invalid fields" if lang == "en" else "请求中有字段不合法"
        return JSONResponse(error_body("validation_failed", msg, {"errors": errors}), status_code=422)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        refusal = database_refusal(exc)
        if refusal is None:
            return await _unexpected(request, exc)
        # Busy: a lock or every connection held past the time limit. Unavailable: down, restarted
        # or cut off; the pool renews its connections. Either way a retry may work.
        code, en, zh = refusal
        log.warning("%s: %s", code, getattr(exc, "orig", None) or exc)
        return JSONResponse(error_body(code, en if request_lang(request) == "en" else zh), status_code=503,
                            headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}
        message = str(exc.detail)
        if exc.status_code in PLAIN_HTTP and message == HTTPStatus(exc.status_code).phrase:
            message = PLAIN_HTTP[exc.status_code][request_lang(request) == "en"]
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return JSONResponse(error_body(codes.get(exc.status_code, "http_error"), message),
                            status_code=exc.status_code, headers=headers)

    @app.exception_handler(PayloadTooLarge)
    async def _too_large(request: Request, exc: PayloadTooLarge) -> JSONResponse:
        refusal = too_large(exc.limit)
        msg = refusal.en if request_lang(request) == "en" else refusal.zh
        return JSONResponse(error_body(refusal.code, msg), status_code=413)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        lang = request_lang(request)
        msg = "Internal error; nothing was changed" if lang == "en" else "服务器内部错误，未做任何更改"
        return JSONResponse(error_body("internal_error", msg), status_code=500)
