"""The request boundary: one session per request, committed before the response leaves.

Write requests are buffered so that a failed commit can still answer with an error (no
acknowledged write is ever lost). POSTs with an `Idempotency-Key` store their first
response in the same transaction as their effect; a retry replays it, and a concurrent
duplicate waits on the key's unique index and then replays it too. A request cancelled on the
way (its client gone, a deadline) keeps nothing unless its commit had begun, and hands its
connection back at once.

Before a body is read, its declared size is checked against its limit and an API caller's
bearer token is checked (api/body.py, api/early_auth.py): an unauthenticated client cannot
make the server read, let alone hold, a large body.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import weakref
from typing import Any

import anyio
import anyio.lowlevel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.requests import Request

from shouhou.api import body as bodies
from shouhou.api import on_loop
from shouhou.api.buffered import Buffered, database_error, error, replay, stored
from shouhou.api.early_auth import authenticate_early
from shouhou.api.errors import COMMIT_FAILED_EN, COMMIT_FAILED_ZH, DATABASE_ERRORS
from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.metrics import SQLITE_WRITES
from shouhou.models import IdempotencyRecord

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
UNGUARDED = ("/static", "/healthz", "/metrics")
# Writes in transactions of their own, none in the request's: they need no SQLite writer turn
# (a sign-in holding it for its argon2 verification would hold up every other write).
OWN_TRANSACTIONS = ("/login",)
log = logging.getLogger("shouhou.api")


class UnitOfWork:
    def __init__(self, app: Any, db: Database, clock: Clock, settings: Settings) -> None:
        self.app = app
        self.db = db
        self.clock = clock
        self.settings = settings
        # SQLite has one writer: its write requests queue here, on the event loop, rather than
        # each holding a worker thread while it waits for the database's write lock. Per loop:
        # an asyncio lock belongs to the loop it was first awaited on.
        self._writer_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] | None = (
            weakref.WeakKeyDictionary() if db.is_sqlite else None)
        # SQLite: a write whose transaction could begin at once does its work on the event loop
        # (api/on_loop.py); nothing in it can then wait for another writer.
        self.on_loop = db.is_sqlite and settings.sqlite_writes_on_loop

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNGUARDED):
            await self.app(scope, receive, send)
            return
        refused = bodies.refused_text(scope.get("query_string", b"")) or bodies.refused_text(
            scope.get("raw_path") or scope["path"].encode())
        if refused is not None:
            await _refuse(scope, refused).replay(send)
            return
        if scope["method"] not in WRITE_METHODS:
            await self._read(scope, receive, send)
            return
        response = await self._guarded_write(scope, receive)
        # Sent after the writer's turn ends: a slow client holds up nobody else's write.
        await response.replay(send)

    async def _guarded_write(self, scope: dict, receive: Any) -> Buffered:
        headers = dict(scope.get("headers") or [])
        try:
            key = headers.get(b"idempotency-key", b"").decode("utf-8").strip()
        except UnicodeDecodeError:
            return error(scope, 422, "invalid_idempotency_key", "Idempotency-Key must be UTF-8 text",
                         "Idempotency-Key 须为 UTF-8 文本")
        multipart = bodies.is_multipart(headers)
        limit = self.settings.max_upload_bytes if multipart else self.settings.max_body_bytes
        declared = bodies.declared_length(headers)
        if declared is not None and declared > limit:
            return _refuse(scope, bodies.too_large(limit))
        denied = await authenticate_early(scope, headers, self.db, inline=self.on_loop)
        if denied is not None:
            return denied
        try:
            if multipart and not key:  # streamed by the form parser (uploads go to disk)
                body, stream = b"", bodies.limited(receive, limit)
            else:
                body, stream = await bodies.read_body(receive, limit), None
        except bodies.PayloadTooLarge:
            return _refuse(scope, bodies.too_large(limit))
        refused = (bodies.refused_json(body) if body and bodies.is_json(headers) else
                   bodies.refused_form(body) if headers.get(b"content-type", b"").startswith(
                       b"application/x-www-form-urlencoded") else None)
        if refused is not None:
            return _refuse(scope, refused)
        turn = contextlib.nullcontext() if scope["path"] in OWN_TRANSACTIONS else self._writer_turn()
        async with turn:
            if key and scope["method"] == "POST":
                return await self._idempotent(scope, body, key, headers)
            return await self._write(scope, stream or replay(body), None,
                                     may_begin=stream is None and scope["path"] not in OWN_TRANSACTIONS)

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
            await _closed(session, self.db.end_read)

    async def _write(self, scope: dict, receive: Any, record: tuple[Session, IdempotencyRecord] | None,
                     session: Session | None = None, *, may_begin: bool = False) -> Buffered:
        session = session or self.db.new_session(write=True)
        # Not for a sign-in or a streamed upload: neither may hold the write lock while it waits.
        try:
            inline = self.on_loop and (session.in_transaction() or (may_begin and self.db.try_begin(session)))
        except DATABASE_ERRORS as exc:  # the database file is gone or unreadable: nothing was done
            await _closed(session)
            return database_error(scope, exc)
        if self.on_loop:
            SQLITE_WRITES.labels("loop" if inline else "thread").inc()
        state = scope.setdefault("state", {})
        state["session"], state[on_loop.STATE] = session, inline
        response = Buffered()
        try:
            if inline:
                # One write per pass of the loop, its turn held: connections are accepted and
                # requests read between writes, not after every queued one has run.
                await anyio.lowlevel.checkpoint()
            await self.app(scope, receive, response.send)
            await anyio.lowlevel.checkpoint_if_cancelled()
        except Exception as exc:
            # A bug, not a failed commit: say so (500), and leave a trace for the operator.
            await _closed(session, inline=inline)  # closing rolls back
            response = await _bug_answer(scope, exc)
        except BaseException:  # cancelled before the commit (the client gone, a deadline): nothing is kept
            await _closed(session, inline=inline)
            raise
        else:
            # Once the commit has begun it runs to its end, and the connection goes back to the pool.
            with anyio.CancelScope(shield=True):
                await _finish(scope, session, response, record, inline)
        return response

    async def _idempotent(self, scope: dict, body: bytes, key: str, headers: dict) -> Buffered:
        if len(key) > 200:
            return error(scope, 422, "invalid_idempotency_key", "Idempotency-Key is longer than 200 characters",
                         "Idempotency-Key 超过 200 个字符")
        caller = hashlib.sha256(headers.get(b"authorization", b"") + b"|" + headers.get(b"cookie", b"")).hexdigest()
        fingerprint = hashlib.sha256(b"%s %s?%s\n%s" % (scope["method"].encode(), scope["path"].encode(),
                                                        scope.get("query_string", b""), body)).hexdigest()
        for _ in range(3):
            session = self.db.new_session(write=True)
            try:
                found = await _until_cancelled(session, _lookup, session, caller, key)
            except DATABASE_ERRORS as exc:  # the database is busy, crowded or gone: nothing was done
                await _closed(session)
                return database_error(scope, exc)
            if found is not None:
                await _closed(session)
                if found.request_hash != fingerprint:
                    return error(scope, 422, "idempotency_key_reused",
                                 "This Idempotency-Key was used for a different request",
                                 "该 Idempotency-Key 已用于另一个请求")
                return stored(found)
            record = IdempotencyRecord(scope=caller, key=key, request_hash=fingerprint, status_code=0,
                                       body=b"", created_at=self.clock.now())
            try:
                await _until_cancelled(session, _claim, session, record)
            except IntegrityError:  # a concurrent duplicate won: wait for it and replay its answer
                await _closed(session)  # closing rolls back
                continue
            except DATABASE_ERRORS as exc:
                await _closed(session)
                return database_error(scope, exc)
            return await self._write(scope, replay(body), (session, record), session=session)
        return error(scope, 409, "idempotency_in_progress", "The same request is still being processed",
                     "相同请求正在处理中")


async def _bug_answer(scope: dict, exc: Exception) -> Buffered:
    """A write that met a bug answers 500 as the app answers any bug (the API's JSON, the console's
    page; its handler logs it), with nothing kept."""
    handler = getattr(scope.get("app"), "exception_handlers", {}).get(Exception)
    if handler is not None:
        answer = Buffered()
        try:
            await (await handler(Request(scope), exc))(scope, replay(b""), answer.send)
            return answer
        except Exception:
            log.exception("the error handler failed")
    log.error("unhandled error", exc_info=exc)
    return error(scope, 500, "internal_error", "Internal error; nothing was changed", "服务器内部错误，未做任何更改")


def _refuse(scope: dict, refusal: bodies.Refusal) -> Buffered:
    return error(scope, refusal.status, refusal.code, refusal.en, refusal.zh)


async def _finish(scope: dict, session: Session, response: Buffered,
                  record: tuple[Session, IdempotencyRecord] | None, inline: bool) -> None:
    """Commit a successful write (with its idempotency record), roll back a refused one;
    either way the session is closed, in the same trip to the worker thread (or on the loop,
    for a write that did its work there: its commit waits for no other writer)."""
    if response.status >= 400:
        await _closed(session, inline=inline)
        return
    if record is not None:
        rec = record[1]
        rec.status_code = response.status
        rec.content_type = response.header(b"content-type") or "application/json"
        rec.body = response.body
    try:
        if inline:
            _commit_and_close(session)
        else:
            await anyio.to_thread.run_sync(_commit_and_close, session)
    except Exception:
        log.exception("commit failed")
        failed = error(scope, 503, "commit_failed", COMMIT_FAILED_EN, COMMIT_FAILED_ZH)
        response.status, response.headers, response.chunks = failed.status, failed.headers, failed.chunks


def _close(session: Session) -> None:
    session.close()


async def _closed(session: Session, end: Any = _close, *, inline: bool = False) -> None:
    """Ended (closed, by default) in a worker thread, even while the request is being cancelled: a
    session left open would keep its connection, in its transaction, until the collector found it.
    `inline`: on the loop, for a write that did its work there (a rollback waits for nothing)."""
    if inline:
        end(session)
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(end, session)


async def _until_cancelled(session: Session, fn: Any, *args: Any) -> Any:
    """fn(*args) in a worker thread; if the request is cancelled, the session is closed (rolled
    back) before the cancellation goes on."""
    try:
        return await anyio.to_thread.run_sync(fn, *args)
    except anyio.get_cancelled_exc_class():
        await _closed(session)
        raise


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
