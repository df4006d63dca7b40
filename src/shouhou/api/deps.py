"""FastAPI dependencies shared by every context's endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute

from shouhou.accounts.service import authenticate_token
from shouhou.api.lang import request_lang
from shouhou.api.unit_of_work import one_step
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


def one_step_post(router: APIRouter, path: str, **kwargs: Any) -> Callable:
    """`router.post` for an endpoint that does all its database work in `in_one_step`
    (the unit of work serves it itself: api/direct.py)."""
    def declare(endpoint: Callable) -> Callable:
        declared = router.post(path, **kwargs)(endpoint)
        route = router.routes[-1]
        assert isinstance(route, APIRoute) and route.endpoint is endpoint
        one_step("POST", route)
        return declared

    return declare


async def in_one_step(request: Request, work: Callable[[Ctx], T]) -> T:
    """Authenticate, do the work and (for a write) commit, in one step.

    For the busiest endpoints: as a dependency, `api_ctx` would take a trip to a worker
    thread of its own, and the commit another. See `UnitOfWork._settle` for where the step runs.
    """
    settle = request.scope.get("state", {}).get("settle")
    if settle is None:  # a read, or an idempotent POST (committed with its stored answer)
        return await anyio.to_thread.run_sync(lambda: work(api_ctx(request)))
    return await settle(request.scope, lambda: work(api_ctx(request)))
