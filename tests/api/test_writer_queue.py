"""SQLite write requests wait their turn on the event loop, holding no worker thread; reads
and PostgreSQL writes do not wait. The busiest writes (case applications and transitions)
run on the event loop itself when they need not wait: on SQLite when the write lock is free
(else in a worker thread); on PostgreSQL until they wait on a row lock for more than a few
ms (then they are done again in a worker thread)."""

from __future__ import annotations

import asyncio
import threading

import anyio.to_thread
import httpx
import pytest
from starlette.testclient import TestClient
from shouhou.api.app import create_app
from shouhou.cases import service
from shouhou.models import Case
from tests.aio import run
from tests.builders import auth
from tests.returns.helpers import apply, delivered, setup
from tests.writers import writer_holding

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"}


def threads_running(monkeypatch, name: str) -> list[int]:  # noqa: ANN001
    """The threads that ran the case service's `name` (create, transition), in turn."""
    ran_in: list[int] = []
    original = getattr(service, name)

    def noted(*args):  # noqa: ANN002, ANN202
        ran_in.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(service, name, noted)
    return ran_in


def test_sqlite_writes_queue_without_threads_while_reads_and_postgresql_writes_go_on(settings, db, clock, world,
                                                                                      backend, monkeypatch):
    # writes in worker threads (as with SHOUHOU_SQLITE_WRITES_ON_LOOP=false), so one can be held
    app = create_app(settings.model_copy(update={"sqlite_writes_on_loop": False}), db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    entered, release = threading.Event(), threading.Event()
    create = service.create
    calls = []

    def held_create(ctx, body):  # noqa: ANN001, ANN202
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


def test_a_busy_write_runs_on_the_loop_when_it_need_not_wait_and_in_a_thread_when_sqlite_is_held(
        app, db, world, backend, monkeypatch):
    world.store()
    token = world.user("agent1", "agent")
    ran_in = threads_running(monkeypatch, "create")

    async def scenario() -> dict:
        loop_thread = threading.get_ident()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            seen = {"free": (await http.post("/api/v1/cases", json=BODY, headers=auth(token))).status_code}
            with writer_holding(db):  # another writer of this process, in its transaction
                waiting = asyncio.create_task(http.post("/api/v1/cases", json=BODY, headers=auth(token)))
                await asyncio.sleep(0.3)
                # the loop is not blocked by the waiting write: a read is served meanwhile
                seen["read"] = (await http.get("/api/v1/cases", headers=auth(token))).status_code
                seen["done_while_held"] = waiting.done()
            seen["after"] = (await waiting).status_code
        seen["on_loop"] = [ident == loop_thread for ident in ran_in]
        return seen

    seen = run(scenario())
    assert (seen["free"], seen["read"], seen["after"]) == (201, 200, 201)
    assert world.count(Case) == 2
    if backend == "sqlite":
        assert not db.engine.info_writers.locked()
        # on the loop while the lock was free; in a worker thread, waiting, while it was held
        assert seen["on_loop"] == [True, False]
        assert seen["done_while_held"] is False
    else:
        # PostgreSQL: on the loop both times (the other writer holds no row this one needs)
        assert seen["on_loop"] == [True, True]
        assert seen["done_while_held"] is True


def test_a_postgresql_write_on_the_loop_that_meets_a_locked_row_is_done_again_in_a_thread(
        app, db, world, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("SQLite writes wait for the write lock before they begin (the test above)")
    tokens = setup(world)
    delivered(world)
    with TestClient(app) as client:
        case = apply(client, tokens["buyer"])
    ran_in = threads_running(monkeypatch, "transition")

    async def scenario() -> dict:
        loop_thread = threading.get_ident()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            # another transaction holds the case's row, as a timer sweep's batch would
            with writer_holding(db, "SELECT id FROM cases WHERE no = :no FOR UPDATE", no=case["no"]):
                waiting = asyncio.create_task(http.post(
                    f"/api/v1/cases/{case['no']}/transitions", headers=auth(tokens["reviewer"]),
                    json={"action": "approve", "version": case["version"]}))
                await asyncio.sleep(0.5)
                # the loop gave up waiting: a read is served while the write waits in a thread
                seen = {"read": (await http.get(f"/api/v1/cases/{case['no']}",
                                                headers=auth(tokens["buyer"]))).status_code,
                        "done_while_held": waiting.done()}
            answer = await waiting
        seen["answer"] = (answer.status_code, answer.json()["status"], answer.json()["version"])
        seen["on_loop"] = [ident == loop_thread for ident in ran_in]
        return seen

    seen = run(scenario())
    assert seen == {"read": 200, "done_while_held": False, "answer": (200, "awaiting_return", 2),
                    "on_loop": [True, False]}
    assert [e.action for e in world.history(case["no"])] == ["apply", "approve"]  # approved once


@pytest.mark.parametrize("backend_setting", ["sqlite_writes_on_loop", "postgresql_writes_on_loop"])
def test_with_the_setting_off_busy_writes_run_in_a_worker_thread(settings, db, clock, world, backend,
                                                                  backend_setting, monkeypatch):
    if backend_setting.split("_")[0] != backend:
        pytest.skip(f"{backend_setting} applies to the other database")
    app = create_app(settings.model_copy(update={backend_setting: False}), db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    ran_in = threads_running(monkeypatch, "create")

    async def scenario() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return (await http.post("/api/v1/cases", json=BODY, headers=auth(token))).status_code, \
                threading.get_ident()

    status, loop_thread = run(scenario())
    assert status == 201
    assert ran_in and ran_in[0] != loop_thread
    assert world.count(Case) == 1


def test_a_refused_write_on_the_loop_saves_nothing_and_frees_the_write_lock(client, db, world, backend):
    world.store()
    token = world.user("agent1", "agent")
    r = client.post("/api/v1/cases", json={**BODY, "type": "no_such_type"}, headers=auth(token))
    assert r.status_code == 422
    assert world.count(Case) == 0
    if backend == "sqlite":
        assert not db.engine.info_writers.locked()
    assert client.post("/api/v1/cases", json=BODY, headers=auth(token)).status_code == 201
    assert world.count(Case) == 1
