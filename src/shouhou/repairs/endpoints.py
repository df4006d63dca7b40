from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import Response

from shouhou.api import access
from shouhou.api.deps import RowId, api_ctx
from shouhou.api.responses import Document, answers
from shouhou.calendar.months import MONTH_PATTERN
from shouhou.cases.service import parse_time
from shouhou.engine.context import Ctx
from shouhou.repairs import (
    dispatch,
    field_reports,
    outlets,
    reports,
    service,
    settings,
    worklogs,
    workshop,
)
from shouhou.repairs.schemas import (
    FaultCodeIn,
    FaultCodes,
    NewOutletIn,
    OutletItems,
    OutletOut,
    PaidIn,
    PriceListIn,
    PriceListOut,
    RegistrationBook,
    ReportIn,
    ReportResult,
    ReworkRate,
    ScheduleOut,
    Statement,
    Suggestions,
    TechnicianIn,
    TechnicianItems,
    TechnicianOut,
    WarrantyClaims,
    WorkLogIn,
    WorkLogOut,
    WorkLogs,
    WorkshopRegister,
)

router = APIRouter(prefix="/api/v1", tags=["repairs"])

TIME = "ISO 8601 with its UTC offset"
MonthPath = Annotated[str, Path(pattern=MONTH_PATTERN, description="yyyy-mm", examples=["2026-11"])]
VIEW_TECHNICIANS = access.roles(*dispatch.VIEWERS)
REPORTS = access.roles(*reports.READERS)
SETTINGS_READ = access.roles(*settings.READERS)
SETTINGS_WRITE = access.roles(*settings.ADMINS)


@router.get("/cases/{no}/technician-suggestions", summary="Technicians ranked by skill, area, free time and load",
            **answers(Suggestions), openapi_extra=VIEW_TECHNICIANS)
def technician_suggestions(no: str, start: str | None = Query(default=None, description=TIME),
                           end: str | None = Query(default=None, description=TIME),
                           ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.suggestions(ctx, no, parse_time(start, "start"), parse_time(end, "end")))


@router.get("/cases/{no}/signatures/{signature_id}", summary="A customer's signature (PNG)",
            response_class=Response, status_code=200,
            responses={200: {"description": "The PNG the customer drew; `x-sha256` its hash",
                             "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}},
            openapi_extra=access.operation("case.read", buyer=True))
def case_signature(no: str, signature_id: RowId, ctx: Ctx = Depends(api_ctx)) -> Response:
    sig = service.signature(ctx, no, signature_id)
    return Response(sig.png, media_type="image/png", headers={"x-sha256": sig.sha256})


@router.get("/repairs/registrations", summary="叫修登记簿: repair calls waiting for dispatch",
            **answers(RegistrationBook), openapi_extra=access.roles(*service.BOOK_READERS))
def registrations(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.registration_book(ctx, store))


TECHNICIAN_EXAMPLE = {"skills": ["appliance", "air_conditioner"], "areas": ["浦东新区", "徐汇区"],
                      "hours": {d: [["09:00", "12:00"], ["13:00", "18:00"]]
                                for d in ("mon", "tue", "wed", "thu", "fri")}}


@router.put("/technicians/{user}", summary="A technician's skills, service area and working hours",
            **answers(TechnicianOut), openapi_extra=access.roles(*dispatch.MANAGERS))
def put_technician(user: str, store: str | None = None,
                   body: TechnicianIn = Body(..., examples=[TECHNICIAN_EXAMPLE]),
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    given = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None or k == "outlet"}
    return Document(service.put_technician(ctx, user, store, given))


@router.get("/technicians", summary="The store's technicians", **answers(TechnicianItems),
            openapi_extra=VIEW_TECHNICIANS)
def list_technicians(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": service.technicians(ctx, store)})


@router.get("/technicians/{user}", summary="A technician's profile", **answers(TechnicianOut),
            openapi_extra=VIEW_TECHNICIANS)
def get_technician(user: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.technician_document(ctx, user, store))


@router.get("/technicians/{user}/schedule", summary="A technician's appointments on a day", **answers(ScheduleOut),
            openapi_extra=VIEW_TECHNICIANS)
def technician_schedule(user: str, date: str | None = Query(default=None, description="yyyy-mm-dd; today by default"),
                        store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(dispatch.schedule(ctx, user, store, service.parse_day(date, "date")))


@router.get("/workshop/register", summary="客户商品进出登记簿: every unit in and out of the workshop",
            **answers(WorkshopRegister), openapi_extra=access.roles(*workshop.READERS))
def workshop_register(store: str | None = None, open: bool = False,
                      since: str | None = Query(default=None, alias="from", description=TIME),
                      until: str | None = Query(default=None, alias="to", description=TIME),
                      ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.workshop_register(ctx, store_code=store, open_only=open, since=parse_time(since, "from"),
                                              until=parse_time(until, "to")))


@router.get("/stores/{code}/price-list", summary="The store's price list and repair deadlines",
            **answers(PriceListOut), openapi_extra=SETTINGS_READ)
def get_price_list(code: str, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.price_list(ctx, code))


@router.put("/stores/{code}/price-list", summary="Change the price list; fields left out keep their value",
            **answers(PriceListOut), openapi_extra=SETTINGS_WRITE)
def put_price_list(code: str, body: PriceListIn = Body(..., examples=[{"hourly_rate": "80.00", "call_out_fee": "50.00",
                                                                        "inspection_fee": "30.00"}]),
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.put_price_list(ctx, code, body))


@router.get("/stores/{code}/fault-codes", summary="The fault-code catalogue", **answers(FaultCodes),
            openapi_extra=SETTINGS_READ)
def get_fault_codes(code: str, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.fault_codes_document(ctx, code))


@router.put("/stores/{code}/fault-codes", summary="Replace the fault-code catalogue", **answers(FaultCodes),
            openapi_extra=SETTINGS_WRITE)
def put_fault_codes(code: str, items: Annotated[list[FaultCodeIn], Body(max_length=500)],
                    ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(settings.put_fault_codes(ctx, code, items))


@router.post("/work-logs", summary="Type D work (一般行政工作): a technician's time off cases",
             **answers(WorkLogOut, 201), openapi_extra=access.roles(*worklogs.LOGGERS))
def add_work_log(body: WorkLogIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    row = worklogs.add(ctx, store_code=body.store, technician=body.technician, kind=body.kind, minutes=body.minutes,
                       note=body.note, at=body.at)
    return Document(worklogs.document(ctx, row), status_code=201)


@router.get("/work-logs", summary="Work logs, with minutes per technician and kind (a technician: their own)",
            **answers(WorkLogs), openapi_extra=access.roles(*worklogs.READERS))
def list_work_logs(store: str | None = None, technician: str | None = None,
                   since: str | None = Query(default=None, alias="from", description=TIME),
                   until: str | None = Query(default=None, alias="to", description=TIME),
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(worklogs.listing(ctx, store_code=store, technician=technician, since=parse_time(since, "from"),
                                     until=parse_time(until, "to")))


OUTLET_EXAMPLE = {"code": "PD01", "name": "浦东服务网点", "areas": ["浦东新区"], "job_fees": {"repair": "80.00"},
                  "per_km": "2.00", "radius_km": 10, "parts_margin_percent": "10.00", "supervisors": ["pd-supervisor"]}


@router.post("/outlets", summary="An authorised service outlet (服务网点) and its fee schedule",
             **answers(OutletOut, 201, errors={409: "`outlet_exists`"}), openapi_extra=access.roles(*outlets.MANAGERS))
def create_outlet(store: str | None = None, body: NewOutletIn = Body(..., examples=[OUTLET_EXAMPLE]),
                  ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.document(outlets.create(ctx, store, body)), status_code=201)


@router.get("/outlets", summary="The store's outlets", **answers(OutletItems),
            openapi_extra=access.roles(*outlets.VIEWERS))
def list_outlets(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": [outlets.document(o) for o in outlets.listing(ctx, store)]})


@router.get("/outlets/{code}/statements/{month}", summary="An outlet's settlement statement for a month (yyyy-mm)",
            **answers(Statement), openapi_extra=access.roles(*outlets.READERS))
def outlet_statement(code: str, month: MonthPath, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.statement(ctx, code, month, store))


@router.post("/outlets/{code}/statements/{month}/approve",
             summary="The maker approves the month's statement (not the outlet's own supervisor)",
             **answers(Statement, errors={409: "`statement_approved`, `month_not_over`"}),
             openapi_extra=access.roles(*outlets.MANAGERS))
def approve_statement(code: str, month: MonthPath, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.approve(ctx, code, month, store))


@router.post("/outlets/{code}/statements/{month}/pay", summary="The approved statement is paid",
             **answers(Statement, errors={409: "`statement_not_approved`"}),
             openapi_extra=access.roles(*outlets.PAYERS))
def pay_statement(code: str, month: MonthPath, body: PaidIn, store: str | None = None,
                  ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(outlets.pay(ctx, code, month, body.ref, store))


@router.get("/warranty-claims", summary="Each maker's claim for a month: warranty parts and labour per case",
            **answers(WarrantyClaims), openapi_extra=REPORTS)
def warranty_claims(month: Annotated[str, Query(pattern=MONTH_PATTERN, description="yyyy-mm")],
                    store: str | None = None, maker: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(reports.warranty_claims(ctx, store, month, maker))


@router.get("/repairs/kpi", summary="The re-repair rate (返修率) over a period", **answers(ReworkRate),
            openapi_extra=REPORTS)
def repair_kpi(store: str | None = None, since: str | None = Query(default=None, alias="from", description=TIME),
               until: str | None = Query(default=None, alias="to", description=TIME),
               ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(reports.rework_rate(ctx, store, parse_time(since, "from"), parse_time(until, "to")))


@router.post("/cases/{no}/reports", summary="A technician's on-site report; the same report_id again changes nothing",
             **answers(ReportResult, errors={409: "`report_id_reused`, `report_in_progress`, `version_conflict`"}),
             openapi_extra=access.WORKFLOW)
def technician_report(no: str, body: ReportIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    case, replayed = field_reports.submit(ctx, no, body.report_id, body.version, body.action, body.fields)
    return Document(field_reports.result(ctx, case, replayed))
