"""The technician's view, made for a phone: today's jobs in order, then one job — check in, take the
unit in, or fill the on-site report with parts, fee lines and the customer's signature. The report
is kept in the browser until it is sent (repairs.js), and a second send changes nothing."""

from __future__ import annotations

import hmac
from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from shouhou.api.errors import STATUS, error_body
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import Forbidden, Invalid, ShouhouError
from shouhou.models import Store
from shouhou.repairs import dispatch, field_reports, settings
from shouhou.repairs.pages import store_of
from shouhou.repairs.schemas import ReportIn
from shouhou.web.forms import fields_of
from shouhou.web.session import csrf_token, ctx_of
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/console/tech")
def my_jobs(request: Request, day: str | None = None, store: str | None = None) -> Response:
    ctx = ctx_of(request)
    s = store_of(ctx, store)
    tz = ZoneInfo(s.timezone)
    when = date.fromisoformat(day) if day else ctx.clock.now().astimezone(tz).date()
    found = dispatch.schedule(ctx, ctx.actor.name, s.code, when)
    return render(request, "repairs/tech_list.html", ctx, store=s, day=when, jobs=found["items"],
                  body_class="phone")


@router.get("/console/tech/jobs/{no}")
def job(no: str, request: Request) -> Response:
    ctx = ctx_of(request)
    case = cases.get(ctx, no)
    doc = cases.document(ctx, case)
    actions = {a["name"]: (a, fields_of(a["fields"])) for a in doc["available_actions"]}
    codes = settings.fault_codes(ctx, case.store_id)
    return render(request, "repairs/tech_job.html", ctx, doc=doc, actions=actions, error=None,
                  fault_codes=list(codes.values()), back=f"/console/tech/jobs/{no}",
                  store=ctx.session.get_one(Store, case.store_id))


@router.post("/console/tech/jobs/{no}/report")
async def send_report(no: str, request: Request) -> Response:
    """JSON from repairs.js (CSRF in the X-CSRF-Token header); answers JSON."""
    ctx = ctx_of(request)
    sent = request.headers.get("x-csrf-token", "")
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        return _error(ctx, Forbidden("csrf_failed", en="The page expired; reload it (your report is kept)",
                                     zh="页面已过期，请刷新（报告已保存在本机）"))
    try:
        body = ReportIn.model_validate(await request.json())
        case, replayed = field_reports.submit(ctx, no, body.report_id, body.version, body.action, body.fields)
    except ShouhouError as exc:
        ctx.session.rollback()
        return _error(ctx, exc)
    except ValueError:
        return _error(ctx, Invalid("invalid_report", en="The report is not valid JSON", zh="报告格式无效"))
    return JSONResponse(field_reports.result(ctx, case, replayed))


def _error(ctx: Ctx, exc: ShouhouError) -> JSONResponse:
    return JSONResponse(error_body(exc.code, exc.message(ctx.lang), {k: v for k, v in exc.details.items()
                                                                      if not k.endswith(("_zh", "_en"))}),
                        status_code=STATUS.get(exc.kind, 422))
