from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from shouhou.accounts import service
from shouhou.api.deps import api_ctx
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.get("/me", summary="Who the token belongs to and what it may do where")
def me(ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    stores = {s.id: s.code for s in service.visible_stores(ctx)}
    return {"user": ctx.actor.name, "display_name": ctx.actor.display_name,
            "roles": [{"role": r, "store": stores.get(s) if s else None} for r, s in ctx.actor.grants]}


@router.get("/stores", summary="Stores the caller can see")
def stores(ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return {"items": [{"code": s.code, "name": s.name, "timezone": s.timezone}
                      for s in service.visible_stores(ctx)]}
