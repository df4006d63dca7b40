"""Request ids, one structured log line per request, Prometheus metrics."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from typing import Any

from shouhou.metrics import LATENCY, REQUESTS

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
            "logger": record.name, "msg": record.getMessage(), "request_id": request_id_var.get(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """One readable line for a person at a terminal: time, level, what happened (a request as
    `GET /console/cases 200 12.3 ms`)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s  %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        if record.name == "shouhou.access" and "path" in fields:
            line = f"{fields['method']} {fields['path']} {fields['status']} {fields['ms']} ms"
            return f"{self.formatTime(record, self.datefmt)} {record.levelname:<7} {line}"
        text = super().format(record)
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        return f"{text}  {extra}" if extra else text


def configure_logging(level: str = "INFO", as_json: bool | None = None) -> None:
    """JSON lines (as_json), or plain lines; None: plain on a terminal, JSON otherwise."""
    root = logging.getLogger()
    if any(getattr(h, "_shouhou", False) for h in root.handlers):
        return
    if as_json is None:
        as_json = not sys.stderr.isatty()
    handler = logging.StreamHandler(sys.stderr)
    handler._shouhou = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if as_json else PlainFormatter())
    if not as_json:  # our own line per request says it already, more briefly
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(level)


def _request_id(given: bytes) -> str:
    """The caller's request id if it is a short printable ASCII token, else a new one."""
    text = given.decode("latin-1")[:64]
    return text if text and text.isascii() and text.isprintable() else uuid.uuid4().hex


class RequestContext:
    """Pure ASGI: request id in and out, access log, metrics."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.log = logging.getLogger("shouhou.access")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = _request_id(headers.get(b"x-request-id", b""))
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500

        async def _send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUESTS.labels(scope["method"], template, str(status)).inc()
            LATENCY.labels(scope["method"], template).observe(elapsed)
            self.log.info("request", extra={"fields": {
                "method": scope["method"], "path": scope["path"], "status": status,
                "ms": round(elapsed * 1000, 2)}})
            request_id_var.reset(token)
