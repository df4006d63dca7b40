"""The busiest routes served by the unit of work itself, past FastAPI's routing and
dependency solving (about 85 µs of a request's CPU, a twentieth of a case write).

What runs is what FastAPI would run: the route's own endpoint, its body validated against
the endpoint's own annotation with FastAPI's rules (JSON only for a JSON content type, a
decode error as `json_invalid`, every error located under "body"), and the app's own
exception handlers. tests/api/test_direct.py checks that each refusal answers exactly as
through FastAPI; `SERVE_DIRECTLY = False` sends every request through FastAPI.
"""

from __future__ import annotations

import email.message
import inspect
import json
from dataclasses import dataclass
from typing import Any, get_type_hints

import orjson
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request

SERVE_DIRECTLY = True
_MISSING = object()


@dataclass(frozen=True)
class Endpoint:
    route: APIRoute
    body: TypeAdapter | None  # the endpoint's `body` parameter, if it has one


def endpoint_of(route: APIRoute) -> Endpoint:
    hints = get_type_hints(route.endpoint)
    has_body = "body" in inspect.signature(route.endpoint).parameters
    return Endpoint(route, TypeAdapter(hints["body"]) if has_body else None)


async def serve(target: Endpoint, scope: dict, receive: Any, send: Any, body: bytes) -> None:
    route = target.route
    match = route.path_regex.match(scope["path"])
    assert match is not None, "served only for a path its route matches"
    params = {name: route.param_convertors[name].convert(value) for name, value in match.groupdict().items()}
    scope["route"], scope["path_params"], scope["endpoint"] = route, params, route.endpoint  # as routing sets them
    request = Request(scope, receive)
    try:
        arguments = dict(params)
        if target.body is not None:
            arguments["body"] = _validated(target.body, _decoded(request, body))
        response = await route.endpoint(request=request, **arguments)
    except Exception as exc:
        handler = _handler(scope["app"], exc)
        if handler is None:
            raise
        response = await handler(request, exc)
    await response(scope, receive, send)


def _decoded(request: Request, body: bytes) -> Any:
    """The body as FastAPI reads it: JSON for a JSON content type, else the bytes."""
    if not body:
        return _MISSING
    content_type = request.headers.get("content-type")
    if not content_type:
        return body  # FastAPI's strict content type: no JSON without saying so
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    if message.get_content_maintype() != "application" or not (subtype == "json" or subtype.endswith("+json")):
        return body
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            return json.loads(body)  # orjson refuses a little more; and this gives FastAPI's error
        except json.JSONDecodeError as exc:
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body", exc.pos),
                                           "msg": "JSON decode error", "input": {}, "ctx": {"error": exc.msg}}],
                                         body=exc.doc) from exc


def _validated(adapter: TypeAdapter, value: Any) -> Any:
    if value is _MISSING:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors, body=value) from None


def _handler(app: Any, exc: Exception) -> Any:
    """The app's handler for this exception, looked up as Starlette does; not the one for any
    Exception, which the unit of work's own (a 500 that says nothing was changed) stands for."""
    handlers = app.exception_handlers
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
