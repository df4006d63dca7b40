"""SQLite: the server copies its write-ahead log into the database file from a thread of its own.

Left to SQLite, the commit that takes the log past 1,000 pages does that copy (and its fsync)
itself, so every few hundred writes one request — on SQLite's event-loop path, the loop with it —
waits for it. The server's writers instead raise that mark to `BACKSTOP_PAGES` (only reached if
this thread falls behind or stops) and a passive checkpoint runs every few tenths of a second:
it never waits for a writer or a reader, and the log is reused from its start once it is copied.
"""

from __future__ import annotations

import logging
import threading

from shouhou.db.engine import Database

log = logging.getLogger("shouhou.checkpoint")
BACKSTOP_PAGES = 10_000  # about 40 MB of log


def run(db: Database, every: float, stop: threading.Event) -> None:
    """Checkpoint every `every` seconds until `stop` is set; an error is logged, not fatal."""
    while not stop.wait(every):
        try:
            db.checkpoint()
        except Exception:  # a disk error, say: SQLite's own checkpoint at the backstop still runs
            log.exception("WAL checkpoint failed")
