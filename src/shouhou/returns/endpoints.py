from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shouhou import exports
from shouhou.accounts.service import store_for_caller
from shouhou.api import access
from shouhou.api.deps import RowId, api_ctx
from shouhou.api.responses import answers
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid
from shouhou.fields import FilledIdent, FilledLine, Ident, Integer, Text, whole
from shouhou.orders.service import find_order
from shouhou.returns import reasons, refund_access
from shouhou.returns import service as returns
from shouhou.returns.schemas import (
    BatchResults,
    ClaimRows,
    OrderAfterSales,
    PickupRows,
    ReasonItems,
    ReasonList,
    ReasonOut,
    StockMovements,
    UnreceivedRows,
)

router = APIRouter(prefix="/api/v1", tags=["refunds, returns, exchanges"])


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store: Ident
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    label_zh: FilledLine = Field(min_length=1, max_length=100)
    label_en: FilledLine = Field(min_length=1, max_length=100)
    case_types: list[FilledIdent] = Field(default_factory=list, description="empty = every return type")
    ground: Ident = Field(default="quality", description="none | quality | not_as_described | damaged_in_transit")
    visible: bool = True
    position: Annotated[int, Ge(0), Le(1_000_000), BeforeValidator(whole)] | None = None


class ReasonOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store: Ident
    codes: list[FilledIdent] = Field(min_length=1)


def _reason_doc(ctx: Ctx, v: reasons.ReasonView) -> dict[str, Any]:
    return {"code": v.code, "label": reasons.label(v, ctx.lang), "label_zh": v.label_zh, "label_en": v.label_en,
            "case_types": list(v.case_types), "ground": v.ground, "quality": v.quality, "visible": v.visible,
            "position": v.position}


@router.get("/reasons", summary="The reason catalogue for a store and case type", **answers(ReasonList),
            openapi_extra=access.IN_STORE)
def list_reasons(type: str | None = None, store: str | None = None, include_hidden: bool = False,
                 ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    s = store_for_caller(ctx, store)
    hidden = include_hidden and bool(ctx.actor.roles_in(s.id) & {"admin"})
    views = reasons.for_type(ctx, s, type, include_hidden=hidden) if type else reasons.catalogue(
        ctx, s, include_hidden=hidden)
    return {"store": s.code, "items": [_reason_doc(ctx, v) for v in views]}


@router.post("/reasons", summary="Add a reason (admin)", **answers(ReasonOut, 201),
             openapi_extra=access.operation("reason.write"))
def add_reason(body: ReasonIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    v = reasons.upsert(ctx, body.store, body.code, label_zh=body.label_zh, label_en=body.label_en,
                       case_types=body.case_types, ground=body.ground, visible=body.visible,
                       position=body.position, create=True)
    return _reason_doc(ctx, v)


@router.put("/reasons/{code}", summary="Edit, hide or show a reason (admin)", **answers(ReasonOut),
            openapi_extra=access.operation("reason.write"))
def edit_reason(code: str, body: ReasonIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    if body.code != code:
        raise Invalid("code_mismatch", en="The body's code must match the URL", zh="请求体中的 code 须与 URL 一致")
    v = reasons.upsert(ctx, body.store, code, label_zh=body.label_zh, label_en=body.label_en,
                       case_types=body.case_types, ground=body.ground, visible=body.visible,
                       position=body.position, create=False)
    return _reason_doc(ctx, v)


@router.delete("/reasons/{code}", status_code=204, summary="Delete a reason (admin)",
               openapi_extra=access.operation("reason.write"))
def delete_reason(code: str, store: str, ctx: Ctx = Depends(api_ctx)) -> None:
    reasons.delete(ctx, store, code)


@router.post("/reasons/order", summary="Put the reasons in this order (admin)", **answers(ReasonItems),
             openapi_extra=access.operation("reason.write"))
def order_reasons(body: ReasonOrderIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": [_reason_doc(ctx, v) for v in reasons.reorder(ctx, body.store, body.codes)]}


class RefundCallbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    status: Literal["succeeded", "failed"]
    gateway_ref: Ident | None = None
    failure: Text | None = None


@router.post("/refunds/{refund_id}/callback", summary="The refund gateway reports an asynchronous refund",
             **answers(cases.CaseDocument), openapi_extra=access.WORKFLOW)
def refund_callback(refund_id: RowId, body: RefundCallbackIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    refund_access.require_reporter(ctx, refund_id)
    case = returns.refund_callback(ctx, refund_id, body.status == "succeeded", body.gateway_ref, body.failure)
    return cases.document(ctx, case)


@router.get("/finance/refunds", summary="Refunds awaiting finance: reviewer-approved cases only",
            **answers(cases.CaseRows), openapi_extra=access.SCOPED)
def finance_refunds(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": returns.finance_rows(ctx, store)}


@router.get("/finance/insurance-claims",
            summary="Shipping-insurance claims (运费险理赔): awaiting payout first, earliest due first",
            **answers(ClaimRows), openapi_extra=access.SCOPED)
def insurance_claims(store: str | None = None, status: str | None = Query(default=None, description="pending | paid"),
                     ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": returns.claim_rows(ctx, store, status)}


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    no: Ident
    version: Integer = Field(ge=1, le=2**31 - 1)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    items: list[BatchItem] = Field(min_length=1, max_length=200)


@router.post("/finance/refunds/approve", summary="Approve several refunds at once; each succeeds or fails alone",
             **answers(BatchResults), openapi_extra=access.WORKFLOW)
def batch_approve(body: BatchIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"results": returns.batch_approve_refunds(ctx, [(i.no, i.version) for i in body.items])}


@router.get("/warehouse/lookup", summary="Find the case of a returned parcel by tracking or case number",
            **answers(cases.CaseRows), openapi_extra=access.SCOPED)
def warehouse_lookup(q: str = Query(min_length=1), ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": cases.summaries(ctx, returns.find_for_receiving(ctx, q))}


@router.get("/warehouse/exceptions",
            summary="Refunded (or reshipped) at the receipt deadline, goods not yet received: the warehouse's list",
            **answers(UnreceivedRows), openapi_extra=access.SCOPED)
def warehouse_exceptions(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": returns.unreceived(ctx, store)}


@router.get("/pickups", summary="Courier pickups (上门取件) to book or collect: the staff's list",
            **answers(PickupRows), openapi_extra=access.SCOPED)
def pickups(store: str | None = None, status: str | None = Query(default=None, description="requested,booked (default)"),
            ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": returns.pickup_list(ctx, store, status)}


@router.get("/stock-movements", summary="After-sales stock in/out (退货入库/换货入库/售后出库); CSV/XLSX export",
            **answers(StockMovements, description="JSON, or with ?format= a CSV or XLSX file",
                      files=(exports.CSV_TYPE, exports.XLSX_TYPE)),
            openapi_extra=access.operation("stock.read"))
def stock_movements(store: str | None = None, kind: str | None = None, sku: str | None = None,
                    created_from: str | None = Query(default=None, alias="from"),
                    created_to: str | None = Query(default=None, alias="to"),
                    limit: int = Query(default=200, ge=1, le=10_000),
                    format: Literal["json", "csv", "xlsx"] = "json", ctx: Ctx = Depends(api_ctx)) -> Any:
    rows = returns.stock_movements(ctx, store_code=store, kind=kind, sku=sku,
                                   since=cases.parse_time(created_from, "from"),
                                   until=cases.parse_time(created_to, "to"), limit=limit)
    if format == "json":
        return {"items": rows}
    body, media, name = exports.render(format, returns.STOCK_HEADERS, [[r[h] for h in returns.STOCK_HEADERS] for r in rows],
                                       "stock-movements")
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/orders/{order_no}/after-sales", summary="Per line: units and money already in after-sales",
            **answers(OrderAfterSales), openapi_extra=access.operation("order.read", buyer=True))
def order_after_sales(order_no: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    order = find_order(ctx, order_no, store)
    return {"order_no": order.order_no, "lines": returns.order_after_sales(ctx, order)}
