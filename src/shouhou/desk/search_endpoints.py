"""`GET /api/v1/cases/search`, mounted before the case endpoints (whose /cases/{no} would take it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from shouhou.api import access
from shouhou.api.deps import api_ctx
from shouhou.api.responses import answers
from shouhou.desk.case_search import search_cases
from shouhou.desk.schemas import CaseHits
from shouhou.engine.context import Ctx

router = APIRouter(prefix="/api/v1", tags=["cases"])


@router.get("/cases/search", summary="Cases whose subject, description or messages match (Chinese full-text)",
            **answers(CaseHits), openapi_extra=access.SCOPED)
def search(q: str = Query(min_length=1, max_length=200), limit: int = Query(default=20, ge=1, le=100),
           ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return search_cases(ctx, q, limit)
