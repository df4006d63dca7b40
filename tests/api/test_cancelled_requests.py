"""A request cancelled mid-way (its client gone, or a deadline) hands its database connection
back at once: a leaked one would stay checked out, in its transaction, until the collector
found the session, and enough of them would leave the next requests waiting for the pool."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import anyio
import httpx

from shouhou.cases import service
from shouhou.models import Case
from tests.aio import run
from tests.builders import auth


def held(monkeypatch: Any, name: str) -> threading.Event:
    """service.<name> made slow once it has done its database work; the event says it has."""
    entered = threading.Event()
    original = getattr(service, name)

    def slow(ctx, *args):
        result = original(ctx, *args)
        ctx.session.flush()
        entered.set()
        threading.Event().wait(0.3)  # the worker thread is not abandoned: the cancel waits for it
        return result

    monkeypatch.setattr(service, name, slow)
    return entered


def cancelled(app: Any, entered: threading.Event, send: Callable[[httpx.AsyncClient], Any]) -> int:
    """Sends the request and cancels it once it holds a connection, by anyio's cancellation as a
    server's or a test client's deadline has it (each later await in the request is cancelled
    as well); the connections still checked out after."""
    async def scenario() -> int:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tasks:
                    tasks.start_soon(send, http)
                    while not entered.is_set():
                        await anyio.sleep(0.01)
                    scope.cancel()
        assert scope.cancelled_caught
        return app.state.db.engine.pool.checkedout()

    return run(scenario())


def test_a_cancelled_read_returns_its_connection(app, world, monkeypatch):
    # given a case, and a case read that is slow once it has used the database
    world.store()
    token = world.user("agent1", "agent")
    no = world.consultation("agent1")
    entered = held(monkeypatch, "get")
    # when the read is cancelled while it holds a connection
    left = cancelled(app, entered, lambda http: http.get(f"/api/v1/cases/{no}", headers=auth(token)))
    # then no connection is left checked out, without waiting for the garbage collector
    assert left == 0


def test_a_cancelled_write_is_rolled_back_and_returns_its_connection(settings, db, clock, world, monkeypatch):
    # given a case creation that is slow once it has written, in a worker thread (a SQLite write
    # on the event loop runs to its end: nothing can cancel it in the middle)
    from shouhou.app import create_app

    app = create_app(settings.model_copy(update={"sqlite_writes_on_loop": False}), db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    entered = held(monkeypatch, "create")
    body = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"}
    # when the write is cancelled before its answer
    left = cancelled(app, entered, lambda http: http.post("/api/v1/cases", json=body, headers=auth(token)))
    # then no connection is left checked out, and nothing unacknowledged was kept
    assert left == 0
    assert world.count(Case) == 0
