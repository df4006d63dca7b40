"""SQLite write requests wait their turn on the event loop, holding no worker thread; reads
and PostgreSQL writes do not wait. (With writes in worker threads: a write doing its work on
the loop, tests/api/test_writes_on_loop.py, holds the loop itself while it works.)"""

from __future__ import annotations

import asyncio
import threading

import anyio.to_thread
import httpx

from shouhou.app import create_app
from shouhou.cases import service
from shouhou.models import Case
from tests.aio import run
from tests.builders import auth

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"}


def test_sqlite_writes_queue_without_threads_while_reads_and_postgresql_writes_go_on(settings, db, clock, world,
                                                                                      backend, monkeypatch):
    app = create_app(settings.model_copy(update={"sqlite_writes_on_loop": False}), db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    entered, release = threading.Event(), threading.Event()
    create = service.create
    calls = []

    def held_create(ctx, body):
        calls.append(1)
        if len(calls) == 1:  # the first writer stops inside its transaction until told
            entered.set()
            release.wait(20)
        return create(ctx, body)

    monkeypatch.setattr(service, "create", held_create)

    async def scenario() -> dict:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            first = asyncio.create_task(http.post("/api/v1/cases", json=BODY, headers=auth(token)))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            others = [asyncio.create_task(http.post("/api/v1/cases", json=BODY, headers=auth(token)))
                      for _ in range(3)]
            await asyncio.sleep(0.3)
            seen = {"threads": anyio.to_thread.current_default_thread_limiter().borrowed_tokens,
                    "done_while_held": sum(t.done() for t in others),
                    "read": (await http.get("/api/v1/cases", headers=auth(token))).status_code}
            release.set()
            seen["answers"] = [r.status_code for r in await asyncio.gather(first, *others)]
            return seen

    seen = run(scenario())
    assert seen["read"] == 200  # a read is served while a write holds the database
    assert seen["answers"] == [201] * 4
    assert world.count(Case) == 4
    if backend == "sqlite":
        # the three later writers wait on the loop: one thread in use, none of them done yet
        assert (seen["threads"], seen["done_while_held"]) == (1, 0)
    else:
        # PostgreSQL locks rows, not the database: the others finish while the first is held
        assert seen["done_while_held"] == 3


def test_a_refused_write_saves_nothing_and_frees_the_write_lock(client, db, world, backend):
    world.store()
    token = world.user("agent1", "agent")
    r = client.post("/api/v1/cases", json={**BODY, "type": "no_such_type"}, headers=auth(token))
    assert r.status_code == 422
    assert world.count(Case) == 0
    if backend == "sqlite":
        assert not db.sqlite_writers.locked()
    assert client.post("/api/v1/cases", json=BODY, headers=auth(token)).status_code == 201
    assert world.count(Case) == 1
