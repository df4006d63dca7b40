"""A response held until the unit of work has committed, and the error answers the unit of
work gives itself (before or instead of an endpoint)."""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio

from shouhou.api.errors import database_refusal, error_body
from shouhou.api.lang import negotiate
from shouhou.models import IdempotencyRecord

log = logging.getLogger("shouhou.api")


def replay(body: bytes) -> Any:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        return {"type": "http.disconnect"}

    return receive


class Buffered:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def header(self, name: bytes) -> str | None:
        for k, v in self.headers:
            if k.lower() == name:
                return v.decode()
        return None

    async def replay(self, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def error(scope: dict, status: int, code: str, en: str, zh: str,
          extra: list[tuple[bytes, bytes]] | None = None) -> Buffered:
    headers = dict(scope.get("headers") or [])
    lang = negotiate(headers.get(b"accept-language", b"").decode() or None)
    out = Buffered()
    out.status = status
    out.chunks = [json.dumps(error_body(code, en if lang == "en" else zh), ensure_ascii=False).encode()]
    out.headers = [(b"content-type", b"application/json"), (b"content-length", str(len(out.chunks[0])).encode())]
    if status == 503:  # nothing was saved: the caller may retry
        out.headers.append((b"retry-after", b"1"))
    out.headers += extra or []
    return out


def stored(record: IdempotencyRecord) -> Buffered:
    out = Buffered()
    out.status = record.status_code
    out.chunks = [record.body]
    out.headers = [(b"content-type", record.content_type.encode()),
                   (b"content-length", str(len(record.body)).encode()), (b"idempotent-replayed", b"true")]
    return out


def database_error(scope: dict, exc: Exception) -> Buffered:
    """503 for a database that is busy or gone (nothing was done); anything else is a bug."""
    refusal = database_refusal(exc)
    if refusal is None:
        raise exc
    code, en, zh = refusal
    if code != "database_busy":
        log.warning("%s: %s", code, getattr(exc, "orig", None) or exc)
    return error(scope, 503, code, en, zh)
