"""A short write's work on the event loop when its unit of work may do it there.

On SQLite the unit of work begins a write's transaction before the endpoint runs if the write
lock is free at that instant (`Database.try_begin`); nothing in the unit can then wait for
another writer, and a write's work, all of it CPU in one process, costs about a quarter less
without its trips to a worker thread and back (docs/architecture.md, performance decisions).
Endpoints whose work is short and bounded — a case's application, an action — call `run`;
every other endpoint stays a plain `def`, run in the thread pool, so that a long import or
export never holds the loop. PostgreSQL's writes always go to the thread pool: they can wait
for a row lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
STATE = "on_loop"  # set by the unit of work in the request's state


async def run(request: Request, work: Callable[[], T]) -> T:
    """`work()` on the loop if this request's unit of work holds the write lock already, else in
    the thread pool, as FastAPI runs a plain `def` endpoint."""
    if getattr(request.state, STATE, False):
        return work()
    return await run_in_threadpool(work)
