"""create_app(settings): routers, one error→HTTP mapping, one session per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shouhou import __version__
from shouhou.api import collector, docs_ui, errors, ops
from shouhou.api.observability import RequestContext, configure_logging
from shouhou.api.responses import Document
from shouhou.api.unit_of_work import UnitOfWork
from shouhou.clock import Clock, SystemClock
from shouhou.config import Settings, get_settings
from shouhou.db import Database


def create_app(settings: Settings | None = None, *, db: Database | None = None,
               clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    db = db or Database(settings.database_url, pre_ping=settings.database_pre_ping)
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.tune_collector:
            collector.settle()
        yield

    app = FastAPI(title="shouhou 售后 API", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/api/openapi.json", default_response_class=Document,
                  description="After-sales service platform. Money is a decimal string in yuan; times are "
                              "ISO 8601 with offset; errors are {\"error\": {code, message, details}}.")
    app.state.settings = settings
    app.state.db = db
    app.state.clock = clock
    from shouhou.accounts.service import IDENTITIES

    app.state.identities = IDENTITIES
    errors.install(app)
    docs_ui.install(app)
    for router in _routers():
        app.include_router(router)
    _install_web(app, settings)
    app.add_middleware(UnitOfWork, db=db, clock=clock)
    app.add_middleware(RequestContext)
    return app


def _routers() -> list:
    from shouhou.accounts.endpoints import router as accounts
    from shouhou.cases.endpoints import router as cases
    from shouhou.orders.endpoints import router as orders

    from shouhou.policies.endpoints import router as policies
    from shouhou.returns.endpoints import router as returns
    from shouhou.webhooks.endpoints import router as webhooks

    # Routes are matched in order, router by router: the case endpoints, which take most of
    # the traffic, go first (no other router has a path under /api/v1/cases).
    return [cases, ops.router, accounts, orders, policies, returns, webhooks]


def _install_web(app: FastAPI, settings: Settings) -> None:
    from shouhou.web.console import install

    install(app, settings)
