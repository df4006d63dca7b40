from __future__ import annotations

from fastapi import APIRouter, Depends

from shouhou.api import access
from shouhou.api.deps import RowId, api_ctx
from shouhou.api.responses import Document, answers
from shouhou.engine.context import Ctx
from shouhou.parts import service
from shouhou.parts.schemas import (
    DecisionIn,
    MovementIn,
    MovementItems,
    OldPartItems,
    PartDocument,
    PartIn,
    PartItems,
    PartRequestItems,
    PartRequestOut,
    ReorderItems,
    RequestIn,
    ShipIn,
    ShippedBatch,
)

router = APIRouter(prefix="/api/v1", tags=["parts"])
READ = access.roles(*service.READERS)
KEEP = access.roles(*service.KEEPERS)
DECIDE = access.roles(*service.APPROVERS)


@router.post("/parts", summary="A part in the catalogue", **answers(PartDocument, 201, errors={409: "`part_exists`"}),
             openapi_extra=KEEP)
def create_part(body: PartIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    part = service.create_part(ctx, body.store, sku=body.sku, name=body.name, price=body.price, cost=body.cost,
                               reorder_point=body.reorder_point, models=body.models, maker=body.maker)
    return Document(service.document(ctx, part), status_code=201)


@router.get("/parts", summary="The catalogue with stock", **answers(PartItems), openapi_extra=READ)
def list_parts(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": [service.document(ctx, p) for p in service.listing(ctx, store)]})


@router.get("/parts/reorder", summary="Parts at or below their reorder point", **answers(ReorderItems),
            openapi_extra=READ)
def reorder(store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": service.reorder_list(ctx, store)})


@router.post("/parts/requests", summary="配件申领: parts asked for a technician's van",
             **answers(PartRequestOut, 201), openapi_extra=access.roles(*service.REQUESTERS))
def request_parts(body: RequestIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    row = service.request_parts(ctx, body.store, sku=body.sku, qty=body.qty, to_location=body.to_location,
                                case_no=body.case, note=body.note)
    return Document(service.request_document(ctx, row), status_code=201)


@router.get("/parts/requests", summary="Parts requests", **answers(PartRequestItems), openapi_extra=READ)
def list_requests(store: str | None = None, status: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": [service.request_document(ctx, r) for r in service.requests(ctx, store, status)]})


@router.post("/parts/requests/{request_id}/approve", summary="Approve a request: the parts move to the van",
             **answers(PartRequestOut, errors={409: "`request_decided`, `insufficient_stock`"}), openapi_extra=DECIDE)
def approve_request(request_id: RowId, body: DecisionIn | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    row = service.decide_request(ctx, request_id, True, body.note if body else None)
    return Document(service.request_document(ctx, row))


@router.post("/parts/requests/{request_id}/reject", summary="Reject a request",
             **answers(PartRequestOut, errors={409: "`request_decided`"}), openapi_extra=DECIDE)
def reject_request(request_id: RowId, body: DecisionIn | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    row = service.decide_request(ctx, request_id, False, body.note if body else None)
    return Document(service.request_document(ctx, row))


@router.get("/parts/returns-bin", summary="旧件返还: faulty parts replaced under warranty, for their makers",
            **answers(OldPartItems), openapi_extra=READ)
def returns_bin(store: str | None = None, maker: str | None = None, status: str | None = None,
                ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": service.returns_bin(ctx, store, maker=maker, status=status)})


@router.post("/parts/returns-bin/ship", summary="Ship a batch of faulty parts back to their maker",
             **answers(ShippedBatch, 201), openapi_extra=KEEP)
def ship_old_parts(body: ShipIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    batch = service.ship_old_parts(ctx, body.store, maker=body.maker, carrier=body.carrier,
                                   tracking_no=body.tracking_no, ids=body.ids)
    return Document({"id": batch.id, "maker": batch.maker, "carrier": batch.carrier, "tracking_no": batch.tracking_no,
                     "parts": service.returns_bin(ctx, body.store, maker=body.maker, status="shipped")},
                    status_code=201)


@router.get("/parts/{sku}", summary="A part with its stock per location", **answers(PartDocument), openapi_extra=READ)
def get_part(sku: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.find(ctx, sku, store)))


@router.post("/parts/{sku}/movements",
             summary="A receipt, a transfer or a count adjustment (technicians: transfers only)",
             **answers(PartDocument, 201, errors={409: "`insufficient_stock`"}),
             openapi_extra=access.roles(*service.MOVERS))
def move(sku: str, body: MovementIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    part = service.find(ctx, sku, body.store)
    service.record_movement(ctx, part, location=body.location, qty=body.qty, kind=body.kind,
                            to_location=body.to_location, note=body.note)
    return Document(service.document(ctx, part), status_code=201)


@router.get("/parts/{sku}/movements", summary="Every movement of a part, newest first", **answers(MovementItems),
            openapi_extra=READ)
def movements(sku: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document({"items": service.movements(ctx, service.find(ctx, sku, store))})
