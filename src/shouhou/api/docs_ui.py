"""OpenAPI UI served from installed package assets, never from a CDN."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    assets = files("fastapi_offline") / "static"
    app.mount("/static/apidocs", StaticFiles(directory=str(assets)), name="apidocs")

    @app.get("/api/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/api/openapi.json", title="shouhou API",
                                   swagger_js_url="/static/apidocs/swagger-ui-bundle.js",
                                   swagger_css_url="/static/apidocs/swagger-ui.css",
                                   swagger_favicon_url="/static/apidocs/favicon.png")
