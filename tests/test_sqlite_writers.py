"""SQLite writers take turns on locks of their own, released however their transaction ends:
in one process on a thread lock, across processes on a lock file beside the database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import func, insert, select, text, update

from shouhou.metrics import REGISTRY
from shouhou.models import Case, Store, Timer


def test_the_writer_lock_is_held_for_the_transaction_and_released_after_commit_or_rollback(db, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers do not queue")
    lock = db.engine.info_writers
    with db.session() as s:
        s.execute(text("SELECT 1"))
        assert lock.locked()  # BEGIN IMMEDIATE took it
    assert not lock.locked()  # committed
    with pytest.raises(RuntimeError), db.session() as s:
        s.execute(text("SELECT 1"))
        raise RuntimeError("refused")
    assert not lock.locked()  # rolled back
    with db.session(write=False) as s:
        s.execute(text("SELECT 1"))
        assert not lock.locked()  # readers do not queue


def test_a_second_writer_waits_for_the_first_and_then_writes(db, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers do not queue")
    order: list[str] = []
    first_in = threading.Event()
    release = threading.Event()

    def first() -> None:
        with db.session() as s:
            s.execute(text("SELECT 1"))
            first_in.set()
            release.wait(10)
            order.append("first")

    def second() -> None:
        first_in.wait(10)
        with db.session() as s:
            s.execute(text("SELECT 1"))
            order.append("second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_in.wait(10)
    release.set()
    for t in threads:
        t.join(20)
    assert order == ["first", "second"]
    assert not db.engine.info_writers.locked()


def test_the_wait_for_the_write_lock_is_measured(db, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers do not queue")

    def sample(name: str) -> float:
        return REGISTRY.get_sample_value(f"shouhou_sqlite_writer_wait_seconds_{name}") or 0.0

    count, total = sample("count"), sample("sum")
    held = threading.Event()

    def first() -> None:
        with db.session() as s:
            s.execute(text("SELECT 1"))
            held.set()
            time.sleep(0.3)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    with db.session() as s:  # waits for the first writer's commit
        s.execute(text("SELECT 1"))
    thread.join(10)
    assert sample("count") == count + 2
    assert sample("sum") - total >= 0.2


SWEEP = textwrap.dedent("""
    import sys
    from datetime import datetime
    import shouhou.cases.kinds  # registers the workflows
    from shouhou.config import Settings
    from shouhou.db import Database
    from shouhou.engine.sweep import run_due
    url, as_of = sys.argv[1:3]
    result = run_due(Database(url), Settings(database_url=url), datetime.fromisoformat(as_of), batch_size=40)
    print(result.fired, result.batches)
""")


def due_timers(db, clock, n: int) -> None:  # noqa: ANN001
    """n resolved consultations, each with an auto_close timer due now (written in one go)."""
    now = clock.now()
    with db.session() as s:
        store_id = s.scalar(select(Store.id))
        s.execute(insert(Case), [{"no": f"W{i:06d}", "type": "consultation", "status": "resolved", "version": 3,
                                  "store_id": store_id, "created_at": now, "updated_at": now, "data": {}}
                                 for i in range(n)])
        ids = s.scalars(select(Case.id).where(Case.no.like("W%")))
        s.execute(insert(Timer), [{"store_id": store_id, "case_id": i, "kind": "auto_close", "action": "close",
                                   "due_at": now, "state": "pending", "created_at": now, "payload": {}}
                                  for i in ids])


def test_a_writer_of_another_process_gets_its_turn_between_the_batches_of_a_long_sweep(db, backend, world, clock):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers lock rows, not the database: they do not queue")
    # given a backlog of 4,000 due timers, swept by another process in 100 batches of 40
    world.store()
    due_timers(db, clock, 4000)
    sweep = subprocess.Popen([sys.executable, "-c", SWEEP, db.url, clock.now().isoformat()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def fired() -> int:
        with db.session(write=False) as s:
            return s.scalar(select(func.count()).select_from(Timer).where(Timer.state != "pending"))

    try:
        deadline = time.monotonic() + 60
        while fired() == 0 and time.monotonic() < deadline:
            time.sleep(0.002)
        # when this process writes three times while the sweep goes on
        waits = []
        for _ in range(3):
            before = fired()
            with db.session() as s:
                s.execute(update(Store).values(name=Store.name))
            waits.append(fired() - before)
        still_pending = 4000 - fired()
    finally:
        out, err = sweep.communicate(timeout=120)
    # then each write waited for a few batches at most (SQLite's busy handler, polling,
    # would mostly find the lock taken again and wait for most of the sweep), and the
    # sweep still fired every timer once
    assert sweep.returncode == 0, err
    assert out.split() == ["4000", "100"]
    assert still_pending > 0, waits
    assert all(w <= 6 * 40 for w in waits), waits
