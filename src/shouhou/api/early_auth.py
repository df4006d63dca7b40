"""An API write's bearer token, checked before its body is read: an unknown caller is refused
without the server reading, let alone holding, what it sends. The actor found is kept in
the request's state for `api.deps.api_ctx`, so the token is looked up once."""

from __future__ import annotations

from typing import Any

import anyio

from shouhou.api.buffered import Buffered, database_error, error
from shouhou.api.errors import DATABASE_ERRORS
from shouhou.db import Database
from shouhou.engine.actor import Actor
from shouhou.errors import ShouhouError, Unauthorized

API_PREFIX = "/api/"
NO_TOKEN = Unauthorized("unauthorized", en="Send an API token: Authorization: Bearer <token>",
                        zh="请提供 API 令牌：Authorization: Bearer <token>")


def bearer(headers: dict[bytes, bytes]) -> str | None:
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate_early(scope: dict, headers: dict[bytes, bytes], db: Database, *,
                             inline: bool = False) -> Buffered | None:
    """None when the request may go on (not an API call, no body to read, or a valid token);
    else the refusal. Without a body the endpoint authenticates as for any request. `inline`:
    looked up on the event loop (SQLite, whose readers wait for no writer)."""
    if not scope["path"].startswith(API_PREFIX) or not _has_body(headers):
        return None
    token = bearer(headers)
    if token is None:
        return _denied(scope, NO_TOKEN)
    app = scope["app"]
    try:
        actor: Actor = _by_token(db, app, token) if inline else await anyio.to_thread.run_sync(
            _by_token, db, app, token)
    except ShouhouError as exc:
        return _denied(scope, exc)
    except DATABASE_ERRORS as exc:
        return database_error(scope, exc)
    scope.setdefault("state", {})["actor"] = actor
    return None


def _by_token(db: Database, app: Any, token: str) -> Actor:
    """Checked and closed in one trip to a worker thread."""
    session = db.lookup_session()
    try:
        actor: Actor = app.state.identities.by_token(session, token, app.state.clock)
    except BaseException:
        session.close()  # rolls back
        raise
    db.end_read(session)
    return actor


def _has_body(headers: dict[bytes, bytes]) -> bool:
    length = headers.get(b"content-length", b"0").strip()
    return b"transfer-encoding" in headers or not length.isdigit() or int(length) > 0


def _denied(scope: dict, exc: ShouhouError) -> Buffered:
    status = 401 if exc.kind == "unauthorized" else 403
    extra: list[tuple[bytes, bytes]] = [(b"www-authenticate", b"Bearer")] if status == 401 else []
    return error(scope, status, exc.code, exc.message("en"), exc.message("zh"), extra)


def early_actor(state: Any) -> Actor | None:
    return getattr(state, "actor", None)
