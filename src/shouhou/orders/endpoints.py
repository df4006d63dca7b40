from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from shouhou.api.deps import api_ctx
from shouhou.engine.context import Ctx
from shouhou.orders import service
from shouhou.orders.schemas import OrderIn

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.post("/orders", status_code=201, summary="Push an order (idempotent on store + order_no)",
             responses={200: {"description": "The same order was pushed before"},
                        409: {"description": "order_conflict: the order exists with other content"},
                        422: {"description": "payment_mismatch, validation_failed, …"}})
def push_order(body: OrderIn, response: Response, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    order, created = service.push_order(ctx, body)
    if not created:
        response.status_code = 200
    return service.document(ctx, order)


@router.get("/orders/{order_no}", summary="An order by number")
def get_order(order_no: str, store: str | None = Query(default=None, description="store code"),
              ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return service.get_order_document(ctx, order_no, store)
