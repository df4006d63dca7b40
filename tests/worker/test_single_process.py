"""SQLite is a single-process mode: the server sweeps timers and delivers webhooks itself, and
a worker stays off a database a server holds. PostgreSQL keeps separate worker processes."""

from __future__ import annotations

import os
import threading

import pytest
from starlette.testclient import TestClient

from shouhou.app import create_app
from shouhou.worker import Busy, pidfile_of, sqlite_holder
from tests.builders import run_cli


class TestTheServerSweeps:
    def test_a_server_started_with_its_worker_fires_a_due_timer(self, settings, db, clock, world):
        # given a resolved consultation whose auto-close is due
        world.store()
        world.user("agent1", "agent")
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", ("resolve", {"resolution": "已解答"}))
        clock.advance(days=8)
        # when the server runs with its worker (as `shouhou serve` runs it on SQLite)
        closed = threading.Event()
        with TestClient(create_app(settings.model_copy(update={"worker_poll_seconds": 0.05}), db=db, clock=clock,
                                   run_worker=True)):
            for _ in range(200):  # waits for the worker's pass, not for a time
                if world.case(no).status == "closed":
                    closed.set()
                    break
                threading.Event().wait(0.05)
        # then the case was closed by the system, once
        assert closed.is_set()
        assert [e.action for e in world.history(no)] == ["create", "assign", "resolve", "close"]

    def test_without_its_worker_the_app_fires_nothing(self, settings, db, clock, world):
        world.store()
        world.user("agent1", "agent")
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", ("resolve", {"resolution": "已解答"}))
        clock.advance(days=8)
        with TestClient(create_app(settings, db=db, clock=clock)) as client:
            client.get("/healthz")
        assert world.case(no).status == "resolved"


class TestTheSqliteHolder:
    def test_a_worker_refuses_a_database_a_server_holds(self, tmp_path):
        url = f"sqlite:///{tmp_path / 'held.sqlite3'}"
        assert run_cli(url, "init").exit_code == 0
        from shouhou.config import Settings

        settings = Settings(database_url=url)
        with sqlite_holder(settings, "server"):
            refused = run_cli(url, "worker", "--once", SHOUHOU_DEFAULT_LANGUAGE="en")
            assert refused.exit_code == 2
            assert f"a shouhou server (pid {os.getpid()})" in refused.output
            with pytest.raises(Busy), sqlite_holder(settings, "server"):  # nor may a second server take it
                pass
        assert not pidfile_of(settings).exists()  # released when the server stops
        assert run_cli(url, "worker", "--once").exit_code == 0

    def test_a_holder_that_died_is_taken_over(self, tmp_path):
        from shouhou.config import Settings

        settings = Settings(database_url=f"sqlite:///{tmp_path / 'stale.sqlite3'}")
        pidfile_of(settings).write_text("server 999999999\n")  # no such process
        with sqlite_holder(settings, "worker"):
            assert pidfile_of(settings).read_text() == f"worker {os.getpid()}\n"

    def test_serving_sqlite_with_several_processes_is_refused(self, tmp_path):
        url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
        refused = run_cli(url, "serve", "--workers", "2", SHOUHOU_DEFAULT_LANGUAGE="en")
        assert refused.exit_code == 2 and "SQLite has one writer" in refused.output

    def test_a_postgresql_worker_takes_no_pidfile(self, db, backend, tmp_path):
        if backend != "postgresql":
            pytest.skip("on SQLite the worker holds the database (the tests above)")
        first = run_cli(db.url, "worker", "--once")
        assert first.exit_code == 0 and "fired 0" in first.output


def test_a_pass_that_fails_leaves_the_worker_running(settings, db, clock, monkeypatch):
    from shouhou import worker as worker_module

    calls = []

    def failing(*_args, **_kw):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database down")
        stop.set()
        return worker_module.SweepResult()

    monkeypatch.setattr(worker_module, "run_due", failing)
    stop = threading.Event()
    worker_module.Worker(db, settings.model_copy(update={"worker_poll_seconds": 0.01}), clock).run(stop)
    assert len(calls) == 2  # the failed pass was logged, the next one ran
