from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document
from shouhou.engine.context import Ctx
from shouhou.fields import Instant
from shouhou.repairs import (
    dispatch,
    field_reports,
    outlets,
    reports,
    service,
    settings,
    worklogs,
)
from shouhou.repairs.schemas import ReportIn

router = APIRouter(prefix="/api/v1", tags=["repairs"])


@router.get("/cases/{no}/technician-suggestions", summary="Technicians ranked by skill, area, free time and load")
def technician_suggestions(no: str, start: datetime | None = None, end: datetime | None = None,
                           ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.suggestions(ctx, no, start, end))


@router.get("/cases/{no}/signatures/{signature_id}", summary="A customer's signature (PNG)",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
def case_signature(no: str, signature_id: int, ctx: Ctx = Depends(api_ctx)) -> Response:
    sig = service.signature(ctx, no, signature_id)
    return Response(sig.png, media_type="image/png", headers={"x-sha256": sig.sha256})


@router.get("/repairs/registrations", summary="叫修登记簿: repair calls waiting for dispatch")
def registrations(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.registration_book(ctx, store))


TECHNICIAN_EXAMPLE = {"skills": ["appliance", "air_conditioner"], "areas": ["浦东新区", "徐汇区"],
                      "hours": {d: [["09:00", "12:00"], ["13:00", "18:00"]]
                                for d in ("mon", "tue", "wed", "thu", "fri")}}


@router.put("/technicians/{user}", summary="A technician's skills, service area and working hours")
def put_technician(user: str, store: str | None = None,
                   body: dict[str, Any] = Body(..., examples=[TECHNICIAN_EXAMPLE]),
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.put_technician(ctx, user, store, body))


@router.get("/technicians", summary="The store's technicians")
def list_technicians(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": service.technicians(ctx, store)})


@router.get("/technicians/{user}", summary="A technician's profile")
def get_technician(user: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.technician_document(ctx, user, store))


@router.get("/technicians/{user}/schedule", summary="A technician's appointments on a day")
def technician_schedule(user: str, date: date | None = Query(default=None), store: str | None = None,
                        ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(dispatch.schedule(ctx, user, store, date))


@router.get("/workshop/register", summary="客户商品进出登记簿: every unit in and out of the workshop")
def workshop_register(store: str | None = None, open: bool = False,
                      since: datetime | None = Query(default=None, alias="from"),
                      until: datetime | None = Query(default=None, alias="to"),
                      ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.workshop_register(ctx, store_code=store, open_only=open, since=since, until=until))


@router.get("/stores/{code}/price-list", summary="The store's price list and repair deadlines")
def get_price_list(code: str, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.price_list(ctx, code))


@router.put("/stores/{code}/price-list", summary="Change the price list; fields left out keep their value")
def put_price_list(code: str, body: dict[str, Any] = Body(..., examples=[{"hourly_rate": "80.00",
                                                                          "call_out_fee": "50.00",
                                                                          "inspection_fee": "30.00"}]),
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.put_price_list(ctx, code, body))


@router.get("/stores/{code}/fault-codes", summary="The fault-code catalogue")
def get_fault_codes(code: str, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.fault_codes_document(ctx, code))


@router.put("/stores/{code}/fault-codes", summary="Replace the fault-code catalogue")
def put_fault_codes(code: str, items: list[dict[str, Any]], ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.put_fault_codes(ctx, code, items))


class WorkLogIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store: str | None = None
    technician: str | None = Field(default=None, description="the caller when omitted")
    kind: str = Field(description="inspection | parts_management | tool_upkeep | training | other")
    minutes: int = Field(ge=1, le=24 * 60)
    note: str = Field(default="", max_length=2000)
    at: Instant | None = None


@router.post("/work-logs", status_code=201, summary="Type D work (一般行政工作): a technician's time off cases")
def add_work_log(body: WorkLogIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    row = worklogs.add(ctx, store_code=body.store, technician=body.technician, kind=body.kind, minutes=body.minutes,
                       note=body.note, at=body.at)
    return Document(worklogs.document(ctx, row), status_code=201)


@router.get("/work-logs", summary="Work logs, with minutes per technician and kind")
def list_work_logs(store: str | None = None, technician: str | None = None,
                   since: datetime | None = Query(default=None, alias="from"),
                   until: datetime | None = Query(default=None, alias="to"), ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(worklogs.listing(ctx, store_code=store, technician=technician, since=since, until=until))


@router.post("/outlets", status_code=201, summary="An authorised service outlet (服务网点) and its fee schedule")
def create_outlet(store: str | None = None,
                  body: dict[str, Any] = Body(..., examples=[{"code": "PD01", "name": "浦东服务网点",
                                                              "areas": ["浦东新区"], "job_fees": {"repair": "80.00"},
                                                              "per_km": "2.00", "radius_km": 10,
                                                              "parts_margin_percent": "10.00",
                                                              "supervisors": ["pd-supervisor"]}]),
                  ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.document(outlets.create(ctx, store, body)), status_code=201)


@router.get("/outlets", summary="The store's outlets")
def list_outlets(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": [outlets.document(o) for o in outlets.listing(ctx, store)]})


@router.get("/outlets/{code}/statements/{month}", summary="An outlet's settlement statement for a month (yyyy-mm)")
def outlet_statement(code: str, month: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.statement(ctx, code, month, store))


@router.post("/outlets/{code}/statements/{month}/approve", summary="The maker approves the month's statement")
def approve_statement(code: str, month: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.approve(ctx, code, month, store))


class PaidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: str = Field(min_length=1, max_length=100, description="the payment's reference")


@router.post("/outlets/{code}/statements/{month}/pay", summary="The approved statement is paid")
def pay_statement(code: str, month: str, body: PaidIn, store: str | None = None,
                  ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.pay(ctx, code, month, body.ref, store))


@router.get("/warranty-claims", summary="Each maker's claim for a month: warranty parts and labour per case")
def warranty_claims(month: str, store: str | None = None, maker: str | None = None,
                    ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(reports.warranty_claims(ctx, store, month, maker))


@router.get("/repairs/kpi", summary="The re-repair rate (返修率) over a period")
def repair_kpi(store: str | None = None, since: datetime | None = Query(default=None, alias="from"),
               until: datetime | None = Query(default=None, alias="to"), ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(reports.rework_rate(ctx, store, since, until))


@router.post("/cases/{no}/reports", summary="A technician's on-site report; the same report_id again changes nothing")
def technician_report(no: str, body: ReportIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    case, replayed = field_reports.submit(ctx, no, body.report_id, body.version, body.action, body.fields)
    return Document(field_reports.result(ctx, case, replayed))
