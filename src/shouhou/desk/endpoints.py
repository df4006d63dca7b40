"""The desk's API: business hours and the business clock, SLA policies, teams and routing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document, answers
from shouhou.cases import service as cases
from shouhou.cases.schemas import CaseDocument
from shouhou.desk import calls, hours, mail_settings, routing, sla_policy
from shouhou.desk.schemas import (
    BusinessHoursIn,
    BusinessHoursOut,
    BusinessTimeIn,
    BusinessTimeOut,
    CallerCases,
    CallIn,
    MailIn,
    MailOut,
    RoutingRuleIn,
    RoutingRulesOut,
    SlaPolicies,
    SlaPolicyIn,
    TeamIn,
    TeamsOut,
)
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["desk"])

HOURS_EXAMPLE = {"timezone": "Asia/Shanghai",
                 "weekdays": {d: [["09:00", "12:00"], ["13:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                 | {"sat": [["10:00", "16:00"]], "sun": []},
                 "exceptions": [{"date": "2026-12-31", "hours": [["09:00", "12:00"]]}]}


@router.get("/stores/{code}/business-hours", summary="The store's business hours (holidays and 调休 come from the "
            "calendar)", **answers(BusinessHoursOut), openapi_extra=access.operation("store.read"))
def get_business_hours(code: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return hours.document(ctx, code)


@router.put("/stores/{code}/business-hours", summary="Set the store's working intervals per weekday and exceptions",
            **answers(BusinessHoursOut, errors={422: "invalid_business_hours or invalid_timezone says what is wrong"}),
            openapi_extra=access.operation("store.admin"))
def put_business_hours(code: str, body: BusinessHoursIn = Body(..., examples=[HOURS_EXAMPLE]),
                       ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return hours.put(ctx, code, body)


@router.post("/stores/{code}/business-time", summary="The store's business clock: `minutes` business minutes after "
             "`start` (the function the SLA uses)", **answers(BusinessTimeOut),
             openapi_extra=access.operation("store.read"))
def business_time(code: str, body: BusinessTimeIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"due_at": hours.due_at(ctx, code, body.start, body.minutes, body.business)}


@router.get("/sla-policies", summary="The store's SLA policies in order (first match wins), or the seeds' defaults",
            **answers(SlaPolicies), openapi_extra=access.operation("policy.read"))
def get_sla_policies(store: str | None = Query(default=None, description="store code; the caller's only store "
                                                                         "when left out"),
                     ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return sla_policy.document(ctx, store)


@router.put("/sla-policies", summary="Replace the store's SLA policies (an empty list restores the defaults)",
            **answers(SlaPolicies), openapi_extra=access.operation("policy.write"))
def put_sla_policies(body: list[SlaPolicyIn], store: str | None = Query(default=None),
                     ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return sla_policy.put(ctx, store, body)


@router.get("/stores/{code}/teams", summary="The store's teams (queues), their members and skills",
            **answers(TeamsOut), openapi_extra=access.operation("store.read"))
def get_teams(code: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return routing.teams_document(ctx, code)


@router.put("/stores/{code}/teams", summary="Set the store's teams; members left out become inactive",
            **answers(TeamsOut), openapi_extra=access.operation("store.admin"))
def put_teams(code: str, body: list[TeamIn], ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return routing.put_teams(ctx, code, body)


@router.get("/stores/{code}/routing-rules", summary="Which team a new case goes to (first match wins)",
            **answers(RoutingRulesOut), openapi_extra=access.operation("store.read"))
def get_routing_rules(code: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return routing.rules_document(ctx, code)


@router.put("/stores/{code}/routing-rules", summary="Replace the store's routing rules", **answers(RoutingRulesOut),
            openapi_extra=access.operation("store.admin"))
def put_routing_rules(code: str, body: list[RoutingRuleIn], ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return routing.put_rules(ctx, code, body)


@router.get("/stores/{code}/mail", summary="The store's service address and mail servers (passwords never shown)",
            **answers(MailOut), openapi_extra=access.operation("store.admin"))
def get_mail(code: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return mail_settings.document(ctx, code)


@router.put("/stores/{code}/mail", summary="Set the store's service address, outgoing SMTP and optional IMAP polling",
            **answers(MailOut, errors={409: "address_taken: another store's address"}),
            openapi_extra=access.operation("store.admin"))
def put_mail(code: str, body: MailIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return mail_settings.put(ctx, code, body)


@router.post("/desk/calls", summary="Register a hotline call (受理来电) as a case; the call's time is recorded",
             **answers(CaseDocument, 201), openapi_extra=access.roles("agent", "supervisor"))
def register_call(body: CallIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(cases.document(ctx, calls.register_call(ctx, body)), status_code=201)


@router.get("/desk/calls/lookup", summary="A caller's cases by phone number, open ones first",
            **answers(CallerCases), openapi_extra=access.operation("case.read"))
def caller_cases(phone: str = Query(min_length=3, max_length=40), store: str | None = None,
                 ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return calls.caller_cases(ctx, phone, store)
