"""The request boundary: one session per request, committed before the response leaves.

Write requests are buffered so that a failed commit can still answer with an error (no
acknowledged write is ever lost). POSTs with an `Idempotency-Key` store their first
response in the same transaction as their effect; a retry replays it, and a concurrent
duplicate waits on the key's unique index and then replays it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import weakref
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from shouhou.api.errors import BUSY_EN, BUSY_ZH, COMMIT_FAILED_EN, COMMIT_FAILED_ZH, error_body, is_busy
from shouhou.api.lang import negotiate
from shouhou.clock import Clock
from shouhou.db import Database
from shouhou.models import IdempotencyRecord

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
log = logging.getLogger("shouhou.api")


class UnitOfWork:
    def __init__(self, app: Any, db: Database, clock: Clock) -> None:
        self.app = app
        self.db = db
        self.clock = clock
        # SQLite has one writer: its write requests queue here, on the event loop, rather than
        # each holding a worker thread while it waits for the database's write lock. Per loop:
        # an asyncio lock belongs to the loop it was first awaited on.
        self._writer_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] | None = (
            weakref.WeakKeyDictionary() if db.is_sqlite else None)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/static", "/healthz", "/metrics")):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in WRITE_METHODS:
            await self._read(scope, receive, send)
            return
        body = await _read_body(receive)
        headers = dict(scope.get("headers") or [])
        key = headers.get(b"idempotency-key", b"").decode().strip()
        async with self._writer_turn():
            if key and scope["method"] == "POST":
                response = await self._idempotent(scope, body, key, headers)
            else:
                response = await self._write(scope, body, None)
        # Sent after the turn ends: a slow client holds up nobody else's write.
        await response.replay(send)

    def _writer_turn(self) -> Any:
        if self._writer_queues is None:
            return contextlib.nullcontext()
        loop = asyncio.get_running_loop()
        queue = self._writer_queues.get(loop)
        if queue is None:
            queue = self._writer_queues[loop] = asyncio.Lock()
        return queue

    async def _read(self, scope: dict, receive: Any, send: Any) -> None:
        session = self.db.new_session(write=False)
        scope.setdefault("state", {})["session"] = session
        try:
            await self.app(scope, receive, send)
        finally:
            await anyio.to_thread.run_sync(_close, session)

    async def _write(self, scope: dict, body: bytes, record: tuple[Session, IdempotencyRecord] | None,
                     session: Session | None = None) -> _Buffered:
        session = session or self.db.new_session(write=True)
        scope.setdefault("state", {})["session"] = session
        response = _Buffered()
        try:
            await self.app(scope, _replay(body), response.send)
        except Exception:
            # A bug, not a failed commit: say so (500), and leave a trace for the operator.
            log.exception("unhandled error")
            await anyio.to_thread.run_sync(_close, session)  # closing rolls back
            response = _error(scope, 500, "internal_error", "Internal error; nothing was changed",
                              "服务器内部错误, 未做任何更改")
        except BaseException:  # cancelled: roll back, without waiting on a thread
            session.close()
            raise
        else:
            await _finish(scope, session, response, record)
        return response

    async def _idempotent(self, scope: dict, body: bytes, key: str, headers: dict) -> _Buffered:
        if len(key) > 200:
            return _error(scope, 422, "invalid_idempotency_key", "Idempotency-Key is longer than 200 characters",
                          "Idempotency-Key 超过 200 个字符")
        caller = hashlib.sha256(headers.get(b"authorization", b"") + b"|" + headers.get(b"cookie", b"")).hexdigest()
        fingerprint = hashlib.sha256(b"%s %s?%s\n%s" % (scope["method"].encode(), scope["path"].encode(),
                                                        scope.get("query_string", b""), body)).hexdigest()
        for _ in range(3):
            session = self.db.new_session(write=True)
            try:
                found = await anyio.to_thread.run_sync(_lookup, session, caller, key)
            except DBAPIError as exc:  # SQLite: another writer held the database past every time limit
                await anyio.to_thread.run_sync(_close, session)
                if not is_busy(exc):
                    raise
                return _error(scope, 503, "database_busy", BUSY_EN, BUSY_ZH)
            if found is not None:
                await anyio.to_thread.run_sync(_close, session)
                if found.request_hash != fingerprint:
                    return _error(scope, 422, "idempotency_key_reused",
                                  "This Idempotency-Key was used for a different request",
                                  "该 Idempotency-Key 已用于另一个请求")
                return _stored(found)
            record = IdempotencyRecord(scope=caller, key=key, request_hash=fingerprint, status_code=0,
                                       body=b"", created_at=self.clock.now())
            try:
                await anyio.to_thread.run_sync(_claim, session, record)
            except IntegrityError:  # a concurrent duplicate won: wait for it and replay its answer
                await anyio.to_thread.run_sync(_close, session)  # closing rolls back
                continue
            return await self._write(scope, body, (session, record), session=session)
        return _error(scope, 409, "idempotency_in_progress", "The same request is still being processed",
                      "相同请求正在处理中")

async def _finish(scope: dict, session: Session, response: _Buffered,
                  record: tuple[Session, IdempotencyRecord] | None) -> None:
    """Commit a successful write (with its idempotency record), roll back a refused one;
    either way the session is closed, in the same trip to the worker thread."""
    if response.status >= 400:
        await anyio.to_thread.run_sync(_close, session)
        return
    if record is not None:
        rec = record[1]
        rec.status_code = response.status
        rec.content_type = response.header(b"content-type") or "application/json"
        rec.body = response.body
    try:
        await anyio.to_thread.run_sync(_commit_and_close, session)
    except Exception:
        log.exception("commit failed")
        failed = _error(scope, 503, "commit_failed", COMMIT_FAILED_EN, COMMIT_FAILED_ZH)
        response.status, response.headers, response.chunks = failed.status, failed.headers, failed.chunks


def _close(session: Session) -> None:
    session.close()


def _commit_and_close(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()  # after a failed commit this rolls back


def _lookup(session: Session, caller: str, key: str) -> IdempotencyRecord | None:
    return session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.scope == caller,
                                                           IdempotencyRecord.key == key)).first()


def _claim(session: Session, record: IdempotencyRecord) -> None:
    session.add(record)
    session.flush()


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Any:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        return {"type": "http.disconnect"}

    return receive


class _Buffered:
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


def _error(scope: dict, status: int, code: str, en: str, zh: str) -> _Buffered:
    headers = dict(scope.get("headers") or [])
    lang = negotiate(headers.get(b"accept-language", b"").decode() or None)
    out = _Buffered()
    out.status = status
    out.chunks = [json.dumps(error_body(code, en if lang == "en" else zh), ensure_ascii=False).encode()]
    out.headers = [(b"content-type", b"application/json"), (b"content-length", str(len(out.chunks[0])).encode())]
    if status == 503:  # nothing was saved: the caller may retry
        out.headers.append((b"retry-after", b"1"))
    return out


def _stored(record: IdempotencyRecord) -> _Buffered:
    out = _Buffered()
    out.status = record.status_code
    out.chunks = [record.body]
    out.headers = [(b"content-type", record.content_type.encode()),
                   (b"content-length", str(len(record.body)).encode()), (b"idempotent-replayed", b"true")]
    return out
