from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import answers
from shouhou.engine.context import Ctx
from shouhou.orders import service
from shouhou.orders.schemas import OrderDocument, OrderIn

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.post("/orders", summary="Push an order (idempotent on store + order_no)",
             **answers(OrderDocument, 201, description="A new order",
                       also={200: "The same order was pushed before"},
                       errors={409: "order_conflict: the order exists with other content",
                               422: "payment_mismatch, validation_failed, …"}),
             openapi_extra=access.operation("order.write"))
def push_order(body: OrderIn, response: Response, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    order, created = service.push_order(ctx, body)
    if not created:
        response.status_code = 200
    return service.document(ctx, order)


@router.get("/orders/{order_no}", summary="An order by number", **answers(OrderDocument),
            openapi_extra=access.operation("order.read", buyer=True))
def get_order(order_no: str, store: str | None = Query(default=None, description="store code"),
              ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return service.get_order_document(ctx, order_no, store)
