from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query

from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document
from shouhou.cases import service
from shouhou.cases.schemas import TransitionIn
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["cases"])

CREATE_EXAMPLES = {
    "consultation": {"summary": "咨询", "value": {
        "type": "consultation", "order_no": "T20261101001", "subject": "洗衣机怎么清洗滤网?",
        "description": "", "channel": "hotline"}},
}


@router.post("/cases", status_code=201, summary="Open a case of any type")
def create_case(body: dict[str, Any] = Body(..., openapi_examples=CREATE_EXAMPLES),
                ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.create(ctx, body)), status_code=201)


@router.get("/cases", summary="Cases, newest first, with a keyset cursor")
def list_cases(type: str | None = None, status: str | None = Query(default=None, description="comma-separated"),
               order_no: str | None = None, customer: str | None = None, store: str | None = None,
               no: str | None = None, created_from: str | None = None, created_to: str | None = None,
               limit: int = 50, cursor: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    criteria = {"type": type, "status": status.split(",") if status else None, "order_no": order_no,
                "customer": customer, "store_code": store, "no": no,
                "created_from": service.parse_time(created_from, "created_from"),
                "created_to": service.parse_time(created_to, "created_to")}
    rows, next_cursor = service.list_page(ctx, criteria, limit=limit, cursor=cursor)
    return Document({"items": service.summaries(ctx, rows), "next_cursor": next_cursor})


@router.get("/cases/{no}", summary="A case with its next deadline and the caller's available actions")
def get_case(no: str, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.get(ctx, no)))


@router.post("/cases/{no}/transitions", summary="Take an action on a case at the version you saw")
def transition(no: str, body: TransitionIn, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.document(ctx, service.transition(ctx, no, body.action, body.version, body.fields())))


@router.get("/cases/{no}/events", summary="The case timeline (immutable events)")
def case_events(no: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": service.timeline(ctx, service.get(ctx, no))}
