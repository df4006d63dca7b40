"""OpenAPI UI served from installed package assets, never from a CDN."""

from __future__ import annotations

import base64
import hashlib
import re
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
        page = get_swagger_ui_html(openapi_url=app.openapi_url or "/api/openapi.json", title="shouhou API",
                                   swagger_js_url="/static/apidocs/swagger-ui-bundle.js",
                                   swagger_css_url="/static/apidocs/swagger-ui.css",
                                   swagger_favicon_url="/static/apidocs/favicon.png")
        page.headers["Content-Security-Policy"] = policy_for(bytes(page.body))
        return page


def policy_for(html: bytes) -> str:
    """The page's own inline script by its hash, nothing else inline (Swagger UI's icons are data: URLs)."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
                      for s in re.findall(rb"<script>(.*?)</script>", html, re.S))
    return (f"default-src 'self'; script-src 'self' {hashes}; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
