"""A request cancelled mid-way (its client gone, or a deadline) hands its database connection
back at once: a leaked one would stay checked out, in its transaction, until the collector
found the session, and enough of them would leave the next requests waiting for the pool."""

from __future__ import annotations

import functools
import threading

import anyio
import httpx

from shouhou.app import create_app
from shouhou.cases import service
from shouhou.models import Case
from tests.aio import run
from tests.builders import auth


def test_a_cancelled_read_returns_its_connection(settings, db, clock, world, backend, monkeypatch):
    # given a case, and a case read that is slow once it has used the database
    app = create_app(settings, db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    no = world.consultation("agent1")
    entered = threading.Event()
    get = service.get

    def slow_get(ctx, case_no):
        case = get(ctx, case_no)
        entered.set()
        threading.Event().wait(0.3)  # the worker thread is not abandoned: the cancel waits for it
        return case

    monkeypatch.setattr(service, "get", slow_get)

    async def scenario() -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            # when the read is cancelled while it holds a connection, by anyio's cancellation as a
            # server's or a test client's deadline has it (each later await in the request is
            # cancelled as well)
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tasks:
                    tasks.start_soon(functools.partial(http.get, f"/api/v1/cases/{no}", headers=auth(token)))
                    while not entered.is_set():
                        await anyio.sleep(0.01)
                    scope.cancel()
        assert scope.cancelled_caught
        return db.engine.pool.checkedout()

    # then no connection is left checked out, without waiting for the garbage collector
    assert run(scenario()) == 0


def test_a_cancelled_write_is_rolled_back_and_returns_its_connection(settings, db, clock, world, backend,
                                                                     monkeypatch):
    # given a case creation that is slow once it has written
    app = create_app(settings, db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    entered = threading.Event()
    create = service.create

    def slow_create(ctx, body):
        case = create(ctx, body)
        ctx.session.flush()
        entered.set()
        threading.Event().wait(0.3)
        return case

    monkeypatch.setattr(service, "create", slow_create)
    body = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"}

    async def scenario() -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            # when the write is cancelled before its answer
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tasks:
                    tasks.start_soon(functools.partial(http.post, "/api/v1/cases", json=body, headers=auth(token)))
                    while not entered.is_set():
                        await anyio.sleep(0.01)
                    scope.cancel()
        assert scope.cancelled_caught
        return db.engine.pool.checkedout()

    # then no connection is left checked out, and nothing unacknowledged was kept
    assert run(scenario()) == 0
    assert world.count(Case) == 0
