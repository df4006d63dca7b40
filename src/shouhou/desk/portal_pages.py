"""The portal's contact form, also for visitors without an account (name, phone, email, order
number): each request becomes a case; rate limited per address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shouhou.accounts import service as accounts
from shouhou.api.errors import STATUS
from shouhou.api.lang import request_lang
from shouhou.desk import calls
from shouhou.engine.actor import SYSTEM
from shouhou.engine.context import Ctx
from shouhou.errors import ShouhouError, Throttled
from shouhou.web.forms import error_text
from shouhou.web.session import check_csrf
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
FIELDS = ("store", "name", "phone", "email", "order_no", "subject", "description")


def _ctx(request: Request) -> Ctx:
    """Nobody signed in: the desk's gateway acts as the system for the visitor."""
    return Ctx(session=request.state.session, actor=SYSTEM, clock=request.app.state.clock,
               settings=request.app.state.settings, lang=request_lang(request))


def _page(request: Request, ctx: Ctx, form: dict[str, str], *, error: str | None = None, status: int = 200,
          done: str | None = None) -> Response:
    stores = [(s.code, s.name) for s in accounts.visible_stores(ctx)]
    return render(request, "desk/contact.html", None, status=status, form=form, error=error, stores=stores,
                  done=done)


@router.get("/portal/contact")
def contact_page(request: Request) -> Response:
    return _page(request, _ctx(request), {k: str(request.query_params.get(k, "")) for k in ("store", "order_no")})


@router.post("/portal/contact")
async def contact(request: Request) -> Response:
    ctx = _ctx(request)
    form = await check_csrf(request)
    fields = {k: str(form.get(k, "")).strip() for k in FIELDS}
    fields["lang"] = ctx.lang
    client = request.client.host if request.client else "-"
    try:
        case = calls.visitor_request(ctx, fields.pop("store"), fields, client)
    except ShouhouError as exc:
        ctx.session.rollback()
        response = _page(request, ctx, fields, error=error_text(exc, ctx.lang), status=STATUS.get(exc.kind, 422))
        if isinstance(exc, Throttled):
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response
    return _page(request, ctx, {}, done=case.no)
