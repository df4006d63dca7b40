"""SQLite writers of one process take turns on a lock, released however their transaction ends."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text


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
