"""Benchmark databases configured for durability, as in production: SQLite WAL with
synchronous=FULL (set by whoever connects: shouhou, the floor, the bare driver), PostgreSQL
with fsync and synchronous_commit on (its defaults)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.pg import PostgresServer
from bench.shouhou_setup import migrate


@dataclass(frozen=True)
class BenchDb:
    url: str
    pid: int | None = None  # PostgreSQL's postmaster, whose backends do the database's share of the work


@contextmanager
def database(backend: str) -> Iterator[BenchDb]:
    """A fresh database migrated by shouhou's Alembic (the floor and the bare driver write the same tables)."""
    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="shouhou-bench-"))
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        migrate(url)
        try:
            yield BenchDb(url)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    server = PostgresServer(durable=True)
    if not server.available:
        raise SystemExit("PostgreSQL (initdb/pg_ctl) is not installed; run scripts/test-prereqs")
    server.start()
    try:
        url = server.create_database("bench")
        migrate(url)
        yield BenchDb(url, server.pid)
    finally:
        server.stop()
