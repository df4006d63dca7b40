from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from shouhou.accounts import service
from shouhou.accounts.schemas import Me, StoreList
from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import answers
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.get("/me", summary="Who the token belongs to and what it may do where", **answers(Me),
            openapi_extra=access.SIGNED_IN)
def me(ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    stores = {s.id: s.code for s in service.visible_stores(ctx)}
    return {"user": ctx.actor.name, "display_name": ctx.actor.display_name,
            "roles": [{"role": r, "store": stores.get(s) if s else None} for r, s in ctx.actor.grants]}


@router.get("/stores", summary="Stores the caller can see", **answers(StoreList), openapi_extra=access.SCOPED)
def stores(ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": [{"code": s.code, "name": s.name, "timezone": s.timezone}
                      for s in service.visible_stores(ctx)]}
