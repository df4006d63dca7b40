from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from annotated_types import Ge, Le
from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shouhou.accounts.service import get_store
from shouhou.api import access
from shouhou.api.deps import Year, api_ctx
from shouhou.api.responses import answers
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, not_found
from shouhou.fields import Ident, Instant, Integer, Line, local_iso, whole
from shouhou.models import Store
from shouhou.money import format_fen
from shouhou.orders.service import find_order, lines_of, require_order_access, shipments_of
from shouhou.policies import service
from shouhou.policies.schemas import CalendarDocument, EligibilityDocument, PolicyDocument, PolicyVersions
from shouhou.policy import Claim, Eligibility
from shouhou.policy.facts import VEHICLE_FAULTS

router = APIRouter(prefix="/api/v1", tags=["policy"])

POLICY_EXAMPLE = {"no_reason_return_days": 15, "exchange_days": 30, "free_return_shipping": True,
                  "review_timeout_hours": 24}


@router.get("/stores/{code}/policy", summary="The store's after-sales policy, with the statutory floor per field",
            **answers(PolicyDocument), openapi_extra=access.operation("policy.read"))
def get_policy(code: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return service.policy_document(ctx, code)


@router.put("/stores/{code}/policy", summary="Save a new policy version; fields left out keep their value",
            **answers(PolicyDocument, errors={422: "policy_below_statutory names the rule undercut"}),
            openapi_extra=access.operation("policy.write"))
def put_policy(code: str, body: dict[str, Any] = Body(..., examples=[POLICY_EXAMPLE]),
               ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    service.put_policy(ctx, code, body)
    return service.policy_document(ctx, code)


@router.get("/stores/{code}/policy/versions", summary="Every saved version of the store's policy",
            **answers(PolicyVersions), openapi_extra=access.operation("policy.read"))
def policy_versions(code: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    tz = get_store(ctx.session, code).timezone
    return {"items": [{"version": v.version, "created_at": local_iso(v.created_at, tz), "created_by": v.created_by}
                      for v in service.versions(ctx, code)]}


class EligibilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    line_no: Annotated[int, Ge(1), Le(10_000), BeforeValidator(whole)] | None = Field(
        default=None, description="optional for a one-line order")
    as_of: Instant | None = None
    ground: Literal["none", "quality", "not_as_described", "damaged_in_transit"] = "none"
    goods_intact: bool = True
    unsealed: bool = False
    misuse: bool = False
    prior_repairs: Integer = Field(default=0, ge=0, le=1000)
    repair_days: Integer = Field(default=0, ge=0, le=36_500)
    parts_unavailable: bool = False
    mileage_km: Annotated[int, Ge(0), Le(10_000_000), BeforeValidator(whole)] | None = None
    fault: Ident | None = None
    received: bool | None = None


@router.post("/orders/{order_no}/eligibility", summary="What the customer may ask for on a line, until when, why",
             **answers(EligibilityDocument), openapi_extra=access.operation("order.read", buyer=True))
def eligibility(order_no: str, body: EligibilityIn, store: str | None = None,
                ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    order = find_order(ctx, order_no, store)
    require_order_access(ctx, order)
    st = ctx.session.get_one(Store, order.store_id)
    lines = {ln.line_no: ln for ln in lines_of(ctx, order.id)}
    line_no = body.line_no or (next(iter(lines)) if len(lines) == 1 else None)
    if line_no is None:
        raise Invalid("line_no_required", en="The order has several lines; give line_no", zh="订单有多行，请指定 line_no")
    if line_no not in lines:
        raise not_found("order_line", f"{order_no}#{line_no}")
    if body.fault is not None and body.fault not in VEHICLE_FAULTS:
        raise Invalid("invalid_fault", en="Unknown fault {fault}", zh="未知故障类型 {fault}", fault=body.fault,
                      known=sorted(VEHICLE_FAULTS))
    shipments = shipments_of(ctx, order.id)
    received = body.received if body.received is not None else any(s.signed_at or s.delivered_at for s in shipments)
    claim = Claim(ground=body.ground, goods_intact=body.goods_intact, unsealed=body.unsealed, misuse=body.misuse,
                  prior_repairs=body.prior_repairs, repair_days=body.repair_days,
                  parts_unavailable=body.parts_unavailable, mileage_km=body.mileage_km, fault=body.fault,
                  received=received)
    as_of = body.as_of or ctx.clock.now()
    _, policy = service.policy_in_force(ctx, st)
    result = service.evaluate(ctx, st, order, lines[line_no], shipments, claim, as_of, policy)
    return eligibility_document(ctx, order_no, line_no, result, st)


def eligibility_document(ctx: Ctx, order_no: str, line_no: int, result: Eligibility, store: Store) -> dict[str, Any]:
    tz = ZoneInfo(store.timezone)
    return {
        "order_no": order_no, "line_no": line_no, "as_of": local_iso(result.as_of, tz),
        "remedies": [{
            "type": r.type, "allowed": r.allowed, "until": local_iso(r.until, tz),
            "shipping": {"outbound": r.shipping.outbound, "return": r.shipping.return_},
            "deductions": [{"kind": d.kind, "amount": format_fen(d.amount_fen) if d.amount_fen is not None else None,
                            "text": ctx.label(d.text_zh, d.text_en), "rule": d.rule} for d in r.deductions],
            "refund_due_within_days": r.refund_due_within_days,
            "basis": [{"rule": b.rule, "text": ctx.label(b.text_zh, b.text_en)} for b in r.basis],
            "message": ctx.label(r.message_zh, r.message_en), "refusal_code": r.refusal_code,
            "needs_review": r.needs_review,
        } for r in result.remedies],
        "notes": [{"code": n.code, "text": ctx.label(n.text_zh, n.text_en)} for n in result.notes],
    }


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    day: date = Field(strict=False)  # JSON text, parsed
    workday: bool
    note: Line = Field(default="", max_length=200)


@router.get("/calendar/{year}", summary="Working and rest days entered by admins for a year",
            **answers(CalendarDocument), openapi_extra=access.SIGNED_IN)
def get_calendar(year: Year, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    cal = service.holiday_calendar(ctx)
    return {"year": year, "built_in": cal.builtin_covers(year), "covered": cal.covers(year),
            "days": [{"day": d.day.isoformat(), "workday": d.workday, "note": d.note}
                     for d in service.calendar_days(ctx, year)]}


@router.put("/calendar/{year}", summary="Enter rest days and make-up working days (admin)",
            **answers(CalendarDocument), openapi_extra=access.operation("store.admin", everywhere=True))
def put_calendar(year: Year, days: list[CalendarDayIn], ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    if any(d.day.year != year for d in days):
        raise Invalid("wrong_year", en="Every day must be in {year}", zh="所有日期须在 {year} 年内", year=year)
    seen = [d.day for d in days]
    twice = sorted({d.isoformat() for d in seen if seen.count(d) > 1})
    if twice:  # a rest day and a working day at once: which one was meant?
        raise Invalid("duplicate_day", en="{days} given more than once", zh="日期 {days} 重复", days=", ".join(twice))
    service.set_calendar_days(ctx, [(d.day, d.workday, d.note) for d in days])
    return get_calendar(year, ctx)

