"""The worker's passes: fire due timers, then each plug-in's jobs (webhook delivery), and
hourly housekeeping. `shouhou worker` runs it as a process (PostgreSQL: as many as wanted);
on SQLite, `shouhou serve` runs it in a thread of the server's own process instead.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from shouhou import plugins
from shouhou.api.idempotency import purge as purge_idempotency
from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine.sweep import SweepResult, run_due

log = logging.getLogger("shouhou.worker")
HOUSEKEEPING_EVERY = 3600.0  # seconds


class Worker:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self._housekept = 0.0

    def run_once(self) -> tuple[SweepResult, int]:
        """One pass: (the sweep's result, how many things the jobs did)."""
        swept = run_due(self.db, self.settings, self.clock.now())
        done = sum(job(self.db, self.settings, self.clock) for p in plugins.plugins() for job in p.jobs)
        if time.monotonic() - self._housekept > HOUSEKEEPING_EVERY:
            with self.db.session() as session:
                purge_idempotency(session, self.clock.now() - timedelta(hours=self.settings.idempotency_retention_hours))
            for p in plugins.plugins():
                for job in p.housekeeping:
                    job(self.db, self.settings, self.clock)
            self._housekept = time.monotonic()
        return swept, done

    def run(self, stop: threading.Event) -> None:
        """Pass after pass until `stop` is set, resting between passes that found nothing."""
        while not stop.is_set():
            try:
                swept, done = self.run_once()
            except Exception:  # a database outage, say: keep the worker alive and try again later
                log.exception("worker pass failed")
                swept, done = SweepResult(), 0
            if swept.total == 0 and done == 0:
                stop.wait(self.settings.worker_poll_seconds)


class Busy(Exception):
    """Another server or worker process works on this SQLite database."""

    def __init__(self, role: str, pid: int, path: Path) -> None:
        super().__init__(f"a shouhou {role} (pid {pid}) is using this SQLite database ({path})")
        self.role, self.pid, self.path = role, pid, path


def pidfile_of(settings: Settings) -> Path:
    return Path(settings.database_url.split("///", 1)[-1] + ".pid")


@contextmanager
def sqlite_holder(settings: Settings, role: str) -> Iterator[None]:
    """SQLite has one writer, so one process serves it: the server (which sweeps timers and
    delivers webhooks itself) or a lone worker. The holder writes its pid beside the
    database; another refuses while that process lives (a stale file is taken over)."""
    path = pidfile_of(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = _holder(path)
            if holder is not None:
                raise Busy(*holder, path) from None
            path.unlink(missing_ok=True)  # its process is gone
            continue
        with os.fdopen(fd, "w") as f:
            f.write(f"{role} {os.getpid()}\n")
        break
    else:
        raise Busy("process", 0, path)
    try:
        yield
    finally:
        if _holder(path) == (role, os.getpid()):
            path.unlink(missing_ok=True)


def _holder(path: Path) -> tuple[str, int] | None:
    """(role, pid) of the living process named in the file, or None."""
    try:
        role, pid = path.read_text().split()
        os.kill(int(pid), 0)
    except PermissionError:  # alive, another user's
        pass
    except (OSError, ValueError):
        return None
    return role, int(pid)
