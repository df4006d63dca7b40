"""Benchmark databases configured for durability, as in production: SQLite WAL with
synchronous=FULL, PostgreSQL with fsync and synchronous_commit on (its defaults)."""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.pg import PostgresServer


class DurablePostgres(PostgresServer):
    def start(self) -> None:
        if self.as_user:
            pw = pwd.getpwnam(self.as_user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-instructions")
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100 "
                "-c shared_buffers=512MB -c work_mem=32MB -c maintenance_work_mem=256MB "
                "-c checkpoint_timeout=30min -c max_wal_size=8GB")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, migrated database; yields its URL."""
    from shouhou.db.migrate import upgrade

    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="shouhou-bench-"))
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        upgrade(url)
        try:
            yield url
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    server = DurablePostgres()
    if not server.available:
        raise SystemExit("PostgreSQL (initdb/pg_ctl) is not installed; run scripts/test-prereqs")
    server.start()
    try:
        url = server.create_database("bench")
        upgrade(url)
        yield url
    finally:
        server.stop()
