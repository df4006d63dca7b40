"""Health and metrics for operators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from shouhou.metrics import REGISTRY

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(request: Request) -> dict[str, str]:
    db = request.app.state.db
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": db.engine.dialect.name}


@router.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
