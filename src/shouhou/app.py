"""The app, assembled above every context: load the plug-ins, mount their routers and pages,
one error→HTTP mapping, one unit of work per request.

`create_app(settings)` is what tests and embedders use; `serve_app()` is what `shouhou serve`
runs: on SQLite it also sweeps timers and delivers webhooks in a thread of its own process.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import shouhou
from shouhou import __version__, plugins
from shouhou.accounts.service import IDENTITIES
from shouhou.api import collector, docs_ui, errors, openapi, ops
from shouhou.api.observability import RequestContext, configure_logging
from shouhou.api.responses import Document
from shouhou.api.unit_of_work import UnitOfWork
from shouhou.clock import Clock, SystemClock
from shouhou.config import Settings, get_settings
from shouhou.db import Database
from shouhou.web import console, templating
from shouhou.web.headers import SecurityHeaders
from shouhou.worker import Worker, sqlite_holder


def load_all(settings: Settings | None = None) -> list[plugins.Plugin]:
    """Import every context's plugin.py (each registers itself), then the plug-ins the settings
    name (`SHOUHOU_PLUGINS`, dotted modules). Safe to call again."""
    names = [f"shouhou.{m.name}.plugin" for m in pkgutil.iter_modules(shouhou.__path__) if m.ispkg]
    extra = [n.strip() for n in (settings.plugins if settings else "").split(",") if n.strip()]
    for name in names:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    for name in extra:
        importlib.import_module(name)
    loaded = plugins.plugins()
    for plugin in loaded:
        if plugin.templates:
            templating.add_templates(plugin.templates)
    return loaded


def migration_locations() -> list[str]:
    """The Alembic version folders plug-ins outside shouhou bring (load_all first)."""
    return [p.migrations for p in plugins.plugins() if p.migrations]


def create_app(settings: Settings | None = None, *, db: Database | None = None, clock: Clock | None = None,
               run_worker: bool = False) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    loaded = load_all(settings)
    db = db or Database(settings.database_url, pre_ping=settings.database_pre_ping,
                        pool_size=settings.database_pool_size, pool_overflow=settings.database_pool_overflow,
                        pool_timeout=settings.database_pool_timeout_seconds)
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = None
        if run_worker:
            worker = Worker(db, settings, clock)
            thread = threading.Thread(target=worker.run, args=(stop,), name="shouhou-worker", daemon=True)
            thread.start()
        if settings.tune_collector:
            collector.settle()
        try:
            yield
        finally:
            stop.set()
            if thread is not None:
                thread.join(30)

    app = FastAPI(title="shouhou 售后 API", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/api/openapi.json", default_response_class=Document,
                  description="After-sales service platform. Money is a decimal string in yuan; times are "
                              "ISO 8601 with offset; errors are {\"error\": {code, message, details}}.\n\n"
                              "**Getting a token**: on the server, `shouhou token issue <user name>` prints a "
                              "bearer token for that user (the demo's users: `reviewer`, `finance`, `buyer`…); "
                              "send it as `Authorization: Bearer <token>` (the Authorize button below). An admin "
                              "sees and revokes tokens in the console under API tokens.")
    app.state.settings = settings
    app.state.db = db
    app.state.clock = clock
    app.state.identities = IDENTITIES
    errors.install(app)
    openapi.install(app)
    docs_ui.install(app)
    for plugin in loaded:  # in their order: routes match in turn
        for router in plugin.api() if callable(plugin.api) else plugin.api:
            app.include_router(router)
    app.include_router(ops.router)
    console.install(app, settings)
    for plugin in sorted(loaded, key=lambda p: (p.page_order, p.name)):
        for router in plugin.pages:
            app.include_router(router)
    app.add_middleware(UnitOfWork, db=db, clock=clock, settings=settings)
    app.add_middleware(RequestContext)
    # Outermost: the headers go on every answer, the unit of work's own included (413, 503, replays).
    app.add_middleware(SecurityHeaders, hsts=settings.cookie_secure)
    return app


def serve_app() -> FastAPI:
    """`shouhou serve`'s app: on SQLite, one process serves, sweeps and delivers."""
    settings = get_settings()
    return create_app(settings, run_worker=settings.is_sqlite)


__all__ = ["create_app", "load_all", "migration_locations", "serve_app", "sqlite_holder"]
