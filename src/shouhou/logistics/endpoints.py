"""The logistics API beside the generic case routes: the damage register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document, answers
from shouhou.calendar.months import MONTH_PATTERN
from shouhou.engine.context import Ctx
from shouhou.logistics import service
from shouhou.logistics.schemas import RegisterOut

router = APIRouter(prefix="/api/v1", tags=["logistics"])


@router.get("/logistics/register", summary="破损登记簿: the damage and loss reports made to carriers in a month",
            **answers(RegisterOut), openapi_extra=access.roles(*service.READERS))
def register(month: Annotated[str, Query(pattern=MONTH_PATTERN, description="yyyy-mm, in the store's zone",
                                         examples=["2026-12"])],
             store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.register(ctx, store, month))
