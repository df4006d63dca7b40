from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from shouhou.api import access
from shouhou.api.deps import RowId, api_ctx
from shouhou.api.responses import answers
from shouhou.engine.context import Ctx
from shouhou.fields import FilledIdent, Ident, local_iso
from shouhou.webhooks import service
from shouhou.webhooks.schemas import DeliveryList, WebhookCreated, WebhookList

router = APIRouter(prefix="/api/v1", tags=["webhooks"])


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store: Ident
    url: Ident = Field(max_length=500)
    topics: list[FilledIdent] = Field(default_factory=list, description="empty = every topic")


@router.post("/webhooks", summary="Subscribe a URL; the signing secret is shown once",
             **answers(WebhookCreated, 201), openapi_extra=access.operation("webhook.admin"))
def add(body: WebhookIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    ep, secret = service.add_endpoint(ctx, body.store, body.url, body.topics)
    return {"id": ep.id, "url": ep.url, "topics": ep.topics, "secret": secret}


@router.get("/webhooks", summary="A store's webhook subscriptions", **answers(WebhookList),
            openapi_extra=access.operation("webhook.admin"))
def list_(store: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": [{"id": e.id, "url": e.url, "topics": e.topics, "active": e.active}
                      for e in service.endpoints(ctx, store)]}


@router.delete("/webhooks/{endpoint_id}", status_code=204, summary="Stop a subscription",
               openapi_extra=access.operation("webhook.admin"))
def remove(endpoint_id: RowId, ctx: Ctx = Depends(api_ctx)) -> None:
    service.deactivate(ctx, endpoint_id)


@router.get("/webhooks/{endpoint_id}/deliveries", summary="Recent delivery attempts", **answers(DeliveryList),
            openapi_extra=access.operation("webhook.admin"))
def deliveries(endpoint_id: RowId, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": [{"id": d.id, "state": d.state, "attempts": d.attempts, "last_status": d.last_status,
                       "last_error": d.last_error, "last_body_sha256": d.last_body_sha256,
                       "next_attempt_at": local_iso(d.next_attempt_at, "UTC"),
                       "delivered_at": local_iso(d.delivered_at, "UTC")}
                      for d in service.deliveries(ctx, endpoint_id)]}
