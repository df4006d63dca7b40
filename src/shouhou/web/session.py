"""Console sign-in, the caller's Ctx, and CSRF protection for every form."""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Request

from shouhou.api.deps import identities
from shouhou.api.lang import request_lang
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF
from shouhou.errors import Forbidden


class WrongSide(Exception):
    """A buyer on a console page or a staff member on a portal page: sent to their own side."""

    def __init__(self, to: str) -> None:
        self.to = to


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def sign_in(request: Request, user_id: int, session_epoch: int) -> None:
    request.session.clear()
    request.session["uid"] = user_id
    request.session["epoch"] = session_epoch  # the cookie is valid while the user's epoch stays this one
    request.session["csrf"] = secrets.token_urlsafe(24)


def sign_out(request: Request) -> None:
    """End the session server-side too: a copy of the cookie no longer signs anyone in."""
    uid = request.session.get("uid")
    people = identities(request)
    if uid is not None and people.by_user_id(request.state.session, int(uid), _epoch(request)) is not None:
        people.end_sessions(request.state.session, int(uid))
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


async def check_csrf(request: Request) -> dict[str, Any]:
    """The submitted form, after checking its CSRF token; 403 when it does not match."""
    form = await request.form()
    sent = str(form.get("_csrf", ""))
    if not sent or not hmac.compare_digest(sent, request.session.get("csrf", "")):
        raise Forbidden("csrf_failed", en="The form expired or did not come from this site; reload and retry",
                        zh="表单已过期或来源不明，请刷新后重试")
    return {k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k) for k in form}


def ctx_of(request: Request) -> Ctx:
    """The signed-in user's Ctx, or LoginRequired (the app answers with a redirect to /login)."""
    actor = None
    uid = request.session.get("uid")
    session = request.state.session
    if uid is not None:
        actor = identities(request).by_user_id(session, int(uid), _epoch(request))
    if actor is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    ctx = Ctx(session=session, actor=actor, clock=request.app.state.clock, settings=request.app.state.settings,
              lang=request_lang(request))
    _own_side(request.url.path, ctx)
    return ctx


def _own_side(path: str, ctx: Ctx) -> None:
    """A buyer on a console page, or staff on a portal page, is sent to their own side."""
    if path.startswith("/console") and not is_staff(ctx):
        raise WrongSide(_other_side(path, "/console", "/portal"))
    if path.startswith("/portal") and is_staff(ctx) and ctx.actor.customer_id is None:
        raise WrongSide(_other_side(path, "/portal", "/console"))


def staff_only(request: Request) -> Ctx:
    """A console page's Ctx (ctx_of sends a buyer to the portal: the same case or order there)."""
    return ctx_of(request)


def buyer_only(request: Request) -> Ctx:
    """A portal page's Ctx (ctx_of sends staff to the console: the same case or order there)."""
    return ctx_of(request)


def _other_side(path: str, here: str, there: str) -> str:
    rest = path[len(here):]
    parts = rest.strip("/").split("/")
    if len(parts) == 2 and parts[0] in ("cases", "orders") and parts[1] not in ("new",):
        return f"{there}/{parts[0]}/{parts[1]}"
    return there


def _epoch(request: Request) -> int:
    epoch = request.session.get("epoch")
    return epoch if isinstance(epoch, int) else -1  # a cookie from before epochs: signed out


def is_staff(ctx: Ctx) -> bool:
    return bool(ctx.actor.roles & (STAFF | {"integration"}))


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path)
