"""FastAPI dependencies shared by every context's endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request

from shouhou.accounts.service import authenticate_token
from shouhou.api.lang import request_lang
from shouhou.engine.context import Ctx
from shouhou.errors import Unauthorized

T = TypeVar("T")


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


async def in_one_thread(request: Request, work: Callable[[Ctx], T]) -> T:
    """Authenticate and do the work in one trip to a worker thread.

    For the busiest endpoints: as a dependency, `api_ctx` would take a trip of its own.
    """
    return await anyio.to_thread.run_sync(lambda: work(api_ctx(request)))
