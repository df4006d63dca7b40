"""The reviews' API beside the generic case routes: the month's register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document, answers
from shouhou.calendar.months import MONTH_PATTERN
from shouhou.engine.context import Ctx
from shouhou.reviews import service
from shouhou.reviews.schemas import ReviewRegisterOut

router = APIRouter(prefix="/api/v1", tags=["reviews"])


@router.get("/reviews/register", summary="The month's neutral and negative reviews and how each was handled",
            **answers(ReviewRegisterOut), openapi_extra=access.roles(*service.READERS))
def review_register(month: Annotated[str, Query(pattern=MONTH_PATTERN, description="yyyy-mm",
                                                examples=["2026-12"])],
                    store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.register(ctx, store, month))
