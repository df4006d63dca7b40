"""SQLite: a case's application or action whose write lock is free at once does its work and commits
on the event loop (settings.sqlite_writes_on_loop); one that would have to wait for another writer
waits in a worker thread, and the loop goes on serving meanwhile. PostgreSQL's always go to threads."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from shouhou.accounts import token_use
from shouhou.app import create_app
from shouhou.cases import service
from shouhou.metrics import REGISTRY
from shouhou.models import Case
from tests.aio import run
from tests.builders import auth
from tests.writers import writer_holding

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"}


def sqlite_only(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's writes always run in worker threads: there is no lock to find free")


def writes(where: str) -> float:
    return REGISTRY.get_sample_value("shouhou_sqlite_writes_total", {"where": where}) or 0.0


def traced(monkeypatch: Any) -> list[int]:
    """The threads service.create and service.transition ran in, in order."""
    threads: list[int] = []
    for name in ("create", "transition"):
        original = getattr(service, name)

        def spy(*args: Any, _original: Any = original) -> Any:
            threads.append(threading.get_ident())
            return _original(*args)

        monkeypatch.setattr(service, name, spy)
    return threads


def apply_and_act(app: Any, token: str) -> tuple[int, list[int]]:
    """A consultation opened and replied to through the API: (the loop's thread, the answers)."""
    async def scenario() -> tuple[int, list[int]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            # The token's first use is written by a thread of its own (accounts/token_use.py), which
            # may hold the write lock just then: let it be written first.
            assert (await http.get("/api/v1/cases", headers=auth(token))).status_code == 200
            token_use.wait()
            made = await http.post("/api/v1/cases", json=BODY, headers=auth(token))
            case = made.json()
            acted = await http.post(f"/api/v1/cases/{case['no']}/transitions", headers=auth(token),
                                    json={"action": "reply", "version": case["version"], "message": "请按说明书清洗"})
            return threading.get_ident(), [made.status_code, acted.status_code]

    return run(scenario())


def test_an_application_and_an_action_run_on_the_loop_on_sqlite_and_in_threads_on_postgresql(
        app, world, backend, monkeypatch):
    world.store()
    token = world.user("agent1", "agent")
    threads = traced(monkeypatch)
    before = writes("loop"), writes("thread")
    loop, answers = apply_and_act(app, token)
    assert answers == [201, 200]
    if backend == "sqlite":
        assert threads == [loop, loop]
        assert (writes("loop") - before[0], writes("thread") - before[1]) == (2, 0)
    else:
        assert loop not in threads
        assert (writes("loop"), writes("thread")) == before  # counted on SQLite only


def test_switched_off_sqlite_writes_go_to_worker_threads(settings, db, clock, world, backend, monkeypatch):
    sqlite_only(backend)
    app = create_app(settings.model_copy(update={"sqlite_writes_on_loop": False}), db=db, clock=clock)
    world.store()
    token = world.user("agent1", "agent")
    threads = traced(monkeypatch)
    loop, answers = apply_and_act(app, token)
    assert answers == [201, 200]
    assert len(threads) == 2 and loop not in threads


def wait_while_held(app: Any, token: str, holder: Any, monkeypatch: Any) -> dict[str, Any]:
    """An application sent while `holder` (a context manager) holds SQLite's write lock; what the
    loop answered meanwhile, and the application's answer once the holder let go."""
    threads = traced(monkeypatch)

    async def scenario() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            with holder:
                write = asyncio.create_task(http.post("/api/v1/cases", json=BODY, headers=auth(token)))
                while not threads:  # the application is at its work, waiting for the lock
                    await asyncio.sleep(0.01)
                health = (await http.get("/healthz")).status_code
                pending = not write.done()
            return {"health": health, "pending": pending, "answer": (await write).status_code,
                    "loop": threading.get_ident(), "threads": threads}

    return run(scenario())


def test_an_application_waiting_for_another_writer_of_the_process_waits_in_a_thread(app, db, world, backend,
                                                                                   monkeypatch):
    sqlite_only(backend)
    world.store()
    token = world.user("agent1", "agent")
    before = writes("thread")
    seen = wait_while_held(app, token, writer_holding(db), monkeypatch)
    assert seen["health"] == 200 and seen["pending"]  # the loop served on while the write waited
    assert seen["answer"] == 201 and seen["loop"] not in seen["threads"]
    assert writes("thread") - before == 1
    assert world.count(Case) == 1


class OtherProcess:
    """SQLite's write lock held by a connection of its own, as another process's would be."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, *_: object) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def test_an_application_waiting_for_another_process_waits_in_a_thread_and_keeps_the_busy_timeout(
        app, db, world, backend, monkeypatch):
    sqlite_only(backend)
    world.store()
    token = world.user("agent1", "agent")
    seen = wait_while_held(app, token, OtherProcess(db.engine.url.database or ""), monkeypatch)
    assert seen["health"] == 200 and seen["pending"]
    assert seen["answer"] == 201 and seen["loop"] not in seen["threads"]
    with db.session() as s:  # the pooled connection waits for the lock as long as before
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_a_write_whose_transaction_cannot_begin_answers_503_and_keeps_nothing(client, db, world, backend,
                                                                              monkeypatch):
    sqlite_only(backend)
    world.store()
    token = world.user("agent1", "agent")

    def broken(session: Any) -> bool:
        raise OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(db, "try_begin", broken)
    r = client.post("/api/v1/cases", json=BODY, headers=auth(token))
    assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable", r.text
    assert world.count(Case) == 0 and not db.sqlite_writers.locked()


def test_an_application_goes_through_while_every_pooled_connection_is_taken(client, db, world, backend):
    # On the loop a write must not wait for a connection: those in use may be handed back only
    # by the loop itself (a read's session is closed after its answer is sent).
    sqlite_only(backend)
    world.store()
    token = world.user("agent1", "agent")
    held = [db.engine.connect() for _ in range(15)]  # what a pool of 5 + 10 overflow held at most
    try:
        for conn in held:
            conn.execute(text("SELECT 1"))
        r = client.post("/api/v1/cases", json=BODY, headers=auth(token))
        assert r.status_code == 201, r.text
    finally:
        for conn in held:
            conn.close()
    assert world.count(Case) == 1
