"""Security headers on every response, as a pure ASGI middleware.

HTML pages get a Content-Security-Policy that allows scripts, styles and images from this
origin only (no inline script, no `javascript:` URLs); everything else gets one that allows
nothing. A response that sets its own policy keeps it (the Swagger UI at /api/docs hashes
its inline script: api/docs_ui.py).
"""

from __future__ import annotations

from typing import Any

HTML_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
_COMMON = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
           (b"x-frame-options", b"DENY"))


class SecurityHeaders:
    def __init__(self, app: Any, hsts: bool = False) -> None:
        self.app = app
        self.extra = _COMMON + (((b"strict-transport-security", HSTS.encode()),) if hsts else ())

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def _send(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers") or []), self.extra)
            await send(message)

        await self.app(scope, receive, _send)


def with_security_headers(headers: list[tuple[bytes, bytes]],
                          extra: tuple[tuple[bytes, bytes], ...] = _COMMON) -> list[tuple[bytes, bytes]]:
    present = {k.lower() for k, _ in headers}
    out = headers + [(k, v) for k, v in extra if k not in present]
    if b"content-security-policy" not in present:
        html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
        out.append((b"content-security-policy", (HTML_POLICY if html else OTHER_POLICY).encode()))
    return out
