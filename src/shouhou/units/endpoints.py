from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document
from shouhou.engine.context import Ctx
from shouhou.units import contracts, service
from shouhou.units.schemas import ContractIn, ReplaceIn, UnitIn

router = APIRouter(prefix="/api/v1", tags=["units"])

UNIT_EXAMPLE = {"store": "S1", "serial": "WM10-2026-0099", "model": "WM-10KG", "name": "滚筒洗衣机 10kg",
                "category": "appliance", "customer": "u1001", "tags": ["sanbao"], "warranty_months": 12,
                "delivered_at": "2026-11-01T10:00:00+08:00"}


@router.post("/units", status_code=201, summary="Enter a unit by hand, or attach one to its order line")
def create_unit(body: UnitIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.create(ctx, body)), status_code=201)


@router.post("/orders/{order_no}/units", status_code=201,
             summary="Every serial of the order (or of one line) as a unit")
def units_of_order(order_no: str, line_no: int | None = None, store: str | None = None,
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    found = service.create_from_order(ctx, order_no, line_no, store)
    return Document({"items": [service.document(ctx, u, full=False) for u in found]}, status_code=201)


@router.get("/units", summary="Units, newest first, with filters")
def list_units(store: str | None = None, customer: str | None = None, model: str | None = None,
               category: str | None = None, order_no: str | None = None, serial: str | None = None,
               in_warranty: bool | None = Query(default=None, description="decided by the policy engine now"),
               limit: int = 50, cursor: int | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    criteria: dict[str, Any] = {"customer": customer, "model": model, "category": category, "order_no": order_no,
                                "serial": serial}
    rows, next_cursor = service.list_page(ctx, {k: v for k, v in criteria.items() if v is not None}, limit=limit,
                                          cursor=cursor, in_warranty=in_warranty, store_code=store)
    return Document({"items": [service.document(ctx, u, full=False) for u in rows], "next_cursor": next_cursor})


@router.get("/units/{serial}", summary="A unit: its warranty (with the rules), entitlements, contracts, history")
def get_unit(serial: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.find(ctx, serial, store)))


@router.post("/units/{serial}/replace", status_code=201, summary="A 三包 exchange: the replacement's periods restart")
def replace_unit(serial: str, body: ReplaceIn, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    new = service.replace_unit(ctx, service.find(ctx, serial, store), body)
    return Document(service.document(ctx, new), status_code=201)


@router.post("/contracts", status_code=201, summary="A service contract (合同服务) covering some of a customer's units")
def create_contract(body: ContractIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(contracts.document(ctx, contracts.create(ctx, body)), status_code=201)


@router.get("/contracts", summary="Service contracts")
def list_contracts(store: str | None = None, customer: str | None = None, status: str | None = None,
                   ctx: Ctx = Depends(api_ctx)) -> Document:
    rows = contracts.listing(ctx, store_code=store, customer=customer, status=status)
    return Document({"items": [contracts.document(ctx, c) for c in rows]})


@router.get("/contracts/{no}", summary="A service contract with its units and visits")
def get_contract(no: str, store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(contracts.document(ctx, contracts.find(ctx, no, store)))
