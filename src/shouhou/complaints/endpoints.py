"""The complaints' API beside the generic case routes: the accountability report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document, answers
from shouhou.calendar.months import MONTH_PATTERN
from shouhou.complaints import service
from shouhou.complaints.schemas import AccountabilityOut, MonthlyAnalysisOut
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["complaints"])


@router.get("/complaints/accountability",
            summary="Founded complaints per staff member, department and supplier in a month, with what the rules call for",
            **answers(AccountabilityOut), openapi_extra=access.roles(*service.READERS))
def accountability(month: Annotated[str, Query(pattern=MONTH_PATTERN, description="yyyy-mm",
                                               examples=["2026-12"])],
                   store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.accountability_report(ctx, store, month))


@router.get("/complaints/analysis", summary="The month's complaints in figures: kinds, findings, settlements, "
            "compensation, closing time, satisfaction", **answers(MonthlyAnalysisOut),
            openapi_extra=access.roles(*service.READERS))
def analysis(month: Annotated[str, Query(pattern=MONTH_PATTERN, description="yyyy-mm", examples=["2026-12"])],
             store: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
    return Document(service.monthly_analysis(ctx, store, month))
