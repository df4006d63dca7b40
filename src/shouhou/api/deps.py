"""FastAPI dependencies shared by every context's endpoints."""

from __future__ import annotations

from typing import Annotated, Protocol

import anyio
from fastapi import Path, Request
from sqlalchemy.orm import Session

from shouhou.api.early_auth import early_actor
from shouhou.api.lang import request_lang
from shouhou.clock import Clock
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.errors import Unauthorized

# Path parameters that name a row or a year: out of range is a 422, never a database error.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a row's id")]
Year = Annotated[int, Path(ge=1900, le=2200, description="a calendar year")]


class Identities(Protocol):
    """Who a token or a signed-in user id is: the accounts context answers, the app wires it in."""

    def by_token(self, session: Session, token: str, clock: Clock) -> Actor: ...

    def by_user_id(self, session: Session, user_id: int, epoch: int) -> Actor | None:
        """The signed-in user, if the session's epoch is still the user's (sign-out ends it)."""

    def end_sessions(self, session: Session, user_id: int) -> None:
        """Every console session of the user ends (sign-out, a new password)."""


def identities(request: Request) -> Identities:
    return request.app.state.identities


async def api_ctx(request: Request) -> Ctx:
    """The caller of an API request, from its bearer token, with this request's session.

    Async so that a write, whose token was checked before its body was read (api/early_auth.py),
    costs no trip to a worker thread; a read's token is looked up in one."""
    session = request.state.session
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("unauthorized", en="Send an API token: Authorization: Bearer <token>",
                           zh="请提供 API 令牌：Authorization: Bearer <token>")
    clock = request.app.state.clock
    actor = early_actor(request.state)
    if actor is None:
        actor = await anyio.to_thread.run_sync(identities(request).by_token, session, token.strip(), clock)
    return Ctx(session=session, actor=actor, clock=clock, settings=request.app.state.settings,
               lang=request_lang(request))
