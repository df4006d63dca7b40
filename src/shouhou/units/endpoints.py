from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Query

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document, answers
from shouhou.engine.context import Ctx
from shouhou.units import contracts, service
from shouhou.units.schemas import (
    ContractDocument,
    ContractIn,
    ContractItems,
    ReplaceIn,
    UnitDocument,
    UnitIn,
    UnitItems,
    UnitList,
)

router = APIRouter(prefix="/api/v1", tags=["units"])

UNIT_EXAMPLE = {"store": "S1", "serial": "WM10-2026-0099", "model": "WM-10KG", "name": "滚筒洗衣机 10kg",
                "category": "appliance", "customer": "u1001", "tags": ["sanbao"], "warranty_months": 12,
                "delivered_at": "2026-11-01T10:00:00+08:00"}
UNIT_READ = access.roles(*service.READERS, buyer=True)
UNIT_WRITE = access.roles(*service.WRITERS)


@router.post("/units", summary="Enter a unit by hand, or attach one to its order line",
             **answers(UnitDocument, 201, errors={409: "`unit_exists`"}), openapi_extra=UNIT_WRITE)
def create_unit(body: UnitIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.create(ctx, body)), status_code=201)


@router.post("/orders/{order_no}/units", summary="Every serial of the order (or of one line) as a unit",
             **answers(UnitItems, 201), openapi_extra=UNIT_WRITE)
def units_of_order(order_no: str, line_no: Annotated[int, Ge(1), Le(1_000_000)] | None = None,
                   store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    found = service.create_from_order(ctx, order_no, line_no, store)
    return Document({"items": [service.document(ctx, u, full=False) for u in found]}, status_code=201)


@router.get("/units", summary="Units, newest first, with filters (a buyer: their own)", **answers(UnitList),
            openapi_extra=access.SCOPED)
def list_units(store: str | None = None, customer: str | None = None, model: str | None = None,
               category: str | None = None, order_no: str | None = None, serial: str | None = None,
               in_warranty: bool | None = Query(default=None, description="decided by the policy engine now"),
               limit: int = Query(default=50, ge=1, le=200),
               cursor: int | None = Query(default=None, ge=1, le=2**63 - 1),
               ctx: Ctx = Depends(api_ctx)) -> Document:
    criteria: dict[str, Any] = {"customer": customer, "model": model, "category": category, "order_no": order_no,
                                "serial": serial}
    rows, next_cursor = service.list_page(ctx, {k: v for k, v in criteria.items() if v is not None}, limit=limit,
                                          cursor=cursor, in_warranty=in_warranty, store_code=store)
    return Document({"items": [service.document(ctx, u, full=False) for u in rows], "next_cursor": next_cursor})


@router.get("/units/{serial}", summary="A unit: its warranty (with the rules), entitlements, contracts, history",
            **answers(UnitDocument), openapi_extra=UNIT_READ)
def get_unit(serial: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.find(ctx, serial, store)))


@router.post("/units/{serial}/replace", summary="A 三包 exchange: the replacement's periods restart",
             **answers(UnitDocument, 201, errors={409: "`unit_replaced`, `unit_exists`"}), openapi_extra=UNIT_WRITE)
def replace_unit(serial: str, body: ReplaceIn, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    new = service.replace_unit(ctx, service.find(ctx, serial, store), body)
    return Document(service.document(ctx, new), status_code=201)


@router.post("/contracts", summary="A service contract (合同服务) covering some of a customer's units",
             **answers(ContractDocument, 201, errors={409: "`contract_exists`"}),
             openapi_extra=access.roles(*contracts.WRITERS))
def create_contract(body: ContractIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(contracts.document(ctx, contracts.create(ctx, body)), status_code=201)


@router.get("/contracts", summary="Service contracts (a buyer: their own)", **answers(ContractItems),
            openapi_extra=access.SCOPED)
def list_contracts(store: str | None = None, customer: str | None = None, status: str | None = None,
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    rows = contracts.listing(ctx, store_code=store, customer=customer, status=status)
    return Document({"items": [contracts.document(ctx, c) for c in rows]})


@router.get("/contracts/{no}", summary="A service contract with its units and visits", **answers(ContractDocument),
            openapi_extra=access.roles(*contracts.READERS, buyer=True))
def get_contract(no: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(contracts.document(ctx, contracts.find(ctx, no, store)))
