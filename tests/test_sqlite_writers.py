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
from tests.writers import writer_holding


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


HOLD = textwrap.dedent("""
    import fcntl, os, sys
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("held", flush=True)
    sys.stdin.readline()  # holds the lock until told to let go
""")


class Holder:
    """Another process holding the writers' lock file (as a long transaction would)."""

    def __init__(self, path: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"

    def let_go(self) -> None:
        self.proc.communicate("\n", timeout=10)


def free_for_another_process(path: str) -> bool:
    probe = "import fcntl, os, sys; fcntl.flock(os.open(sys.argv[1], os.O_RDWR), fcntl.LOCK_EX | fcntl.LOCK_NB)"
    return subprocess.run([sys.executable, "-c", probe, path], capture_output=True).returncode == 0


def test_a_writer_queues_for_the_lock_file_within_a_time_limit_then_leaves_it_to_sqlite(db, backend, monkeypatch):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers do not queue")
    monkeypatch.setattr("shouhou.db.engine.WRITER_QUEUE_SECONDS", 0.3)
    lock_file = db.engine.info_lock_file
    # given another process holding the lock file (but not SQLite's own lock)
    holder = Holder(lock_file.path)
    try:
        # when this process writes
        started = time.monotonic()
        with db.session() as s:
            s.execute(update(Store).values(name=Store.name))
        waited = time.monotonic() - started
        # then it queued for the time limit, and wrote (SQLite's lock was free) without the file
        assert 0.25 <= waited < 5, waited
        assert not free_for_another_process(lock_file.path)
    finally:
        holder.let_go()
    # and the lock file, taken by this process's keeper after the holder let go with nobody
    # waiting for it any more, is released for other processes
    deadline = time.monotonic() + 5
    while not free_for_another_process(lock_file.path) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert free_for_another_process(lock_file.path)
    with db.session() as s:  # and this process takes it again, at once
        s.execute(update(Store).values(name=Store.name))
        assert not free_for_another_process(lock_file.path)
    assert free_for_another_process(lock_file.path)


def test_a_writer_that_gave_up_leaves_the_lock_file_to_the_next_writer_of_its_process(db, backend, monkeypatch):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers do not queue")
    lock_file = db.engine.info_lock_file
    holder = Holder(lock_file.path)
    let_go_at = None
    try:
        # given a writer that gave up waiting while another process held the lock file
        assert not lock_file.acquire(0.1)
        # when the next writer of this process waits, and the holder lets go meanwhile
        threading.Timer(0.3, holder.let_go).start()
        let_go_at = time.monotonic()
        got = lock_file.acquire(10)
        waited = time.monotonic() - let_go_at
    finally:
        if let_go_at is None:
            holder.let_go()
    # then the lock is handed to it (by the keeper still waiting for the first) as soon as it is free
    assert got and 0.25 <= waited < 5, waited
    assert not free_for_another_process(lock_file.path)
    lock_file.release()
    assert free_for_another_process(lock_file.path)


def test_begin_if_free_begins_at_once_or_not_at_all(db, backend, monkeypatch):
    if backend != "sqlite":
        pytest.skip("PostgreSQL writers do not queue")
    lock, lock_file = db.engine.info_writers, db.engine.info_lock_file
    monkeypatch.setattr("shouhou.db.engine.BUSY_TIMEOUT_SECONDS", 60.0)

    def attempt() -> tuple[bool, float]:
        session = db.new_session()
        started = time.monotonic()
        try:
            begun = db.begin_if_free(session)
            if begun:  # it holds both locks until its transaction ends
                assert lock.locked() and not free_for_another_process(lock_file.path)
                session.execute(update(Store).values(name=Store.name))
                session.commit()
            return begun, time.monotonic() - started
        finally:
            session.close()

    # a free lock: begun, and released after the commit
    assert attempt()[0]
    assert not lock.locked() and free_for_another_process(lock_file.path)
    # another writer of this process in its transaction: not begun, and its lock is untouched
    with writer_holding(db):
        assert attempt()[0] is False
        assert lock.locked()
    # another process holding the lock file: not begun, the thread lock given back
    holder = Holder(lock_file.path)
    try:
        assert attempt()[0] is False
        assert not lock.locked()
    finally:
        holder.let_go()
    # a process writing without the lock file (the sqlite3 shell) holding SQLite's own lock:
    # not begun, without sitting out the 60 s busy timeout, and both locks given back
    path = db.url.split("///", 1)[1]
    shell = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sqlite3, sys
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("held", flush=True)
        sys.stdin.readline()
        conn.execute("ROLLBACK")
    """), path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert shell.stdout.readline().strip() == "held"
        begun, waited = attempt()
        assert begun is False and waited < 30, waited
        assert not lock.locked() and free_for_another_process(lock_file.path)
    finally:
        shell.communicate("\n", timeout=10)
    # and once everyone has let go, it begins again, with the busy timeout restored for others
    assert attempt()[0]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60_000
