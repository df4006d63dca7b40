"""Health and metrics for operators."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

from shouhou.api import access
from shouhou.api.responses import answers
from shouhou.errors import Forbidden, Unauthorized
from shouhou.metrics import REGISTRY

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", **answers(Health), openapi_extra=access.PUBLIC)
def healthz(request: Request) -> dict[str, str]:
    db = request.app.state.db
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": db.engine.dialect.name}


@router.get("/metrics", response_model=None, response_class=Response, openapi_extra=access.OPERATOR,
            responses={200: {"description": "Prometheus text", "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(request: Request) -> Response:
    """With SHOUHOU_METRICS_TOKEN, only for its bearer; without, only for this host's clients
    (SHOUHOU_METRICS_PUBLIC=true: for anyone)."""
    settings = request.app.state.settings
    if settings.metrics_token:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(),
                                                                 settings.metrics_token.encode()):
            raise Unauthorized("metrics_token_required", en="Send the metrics token: Authorization: Bearer <token>",
                               zh="请提供监控令牌：Authorization: Bearer <token>")
    elif not settings.metrics_public and not _local(request):
        raise Forbidden("metrics_local_only", en="Metrics are served to clients on this host only",
                        zh="监控指标仅对本机客户端开放")
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def _local(request: Request) -> bool:
    if request.client is None:  # a Unix socket: a process on this host
        return True
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False
