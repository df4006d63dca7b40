"""FastAPI dependencies shared by every context's endpoints."""

from __future__ import annotations

from fastapi import Request

from shouhou.accounts.service import authenticate_token
from shouhou.api.lang import request_lang
from shouhou.engine.context import Ctx
from shouhou.errors import Unauthorized


def api_ctx(request: Request) -> Ctx:
    """The caller of an API request, from its bearer token, with this request's session."""
    session = request.state.session
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("unauthorized", en="Send an API token: Authorization: Bearer <token>",
                           zh="请提供 API 令牌: Authorization: Bearer <token>")
    clock = request.app.state.clock
    actor = authenticate_token(session, token.strip(), clock)
    return Ctx(session=session, actor=actor, clock=clock, settings=request.app.state.settings,
               lang=request_lang(request))
