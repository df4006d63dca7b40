"""When each API token was last used, written at most once a minute per token.

A request only notes the time in memory (it may be a read, whose transaction is never
committed, or a write on the event loop); a background thread writes the notes in a
transaction of its own. The notes are keyed by the token's hash, so one written late can
only ever land on its own token.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.orm import Session

from shouhou.db import make_engine
from shouhou.models import ApiToken

INTERVAL = timedelta(minutes=1)
log = logging.getLogger("shouhou.accounts")
_lock = threading.Lock()
_pending: dict[str, dict[str, datetime]] = {}  # by database URL
# Connections of their own: the requests' pool keeps only the connections the requests need
# (after a database restart, each stale one there costs a request its answer).
_engines: dict[str, Engine] = {}
_writer = ThreadPoolExecutor(1, thread_name_prefix="shouhou-token-use")
_last: Future | None = None


def note(session: Session, token_hash: str, last_written: datetime | None, now: datetime) -> None:
    """The token was used now; written soon unless it was written less than a minute ago."""
    global _last
    if last_written is not None and now - last_written < INTERVAL:
        return
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    with _lock:
        times = _pending.setdefault(url, {})
        first = not times
        times[token_hash] = max(now, times.get(token_hash, now))
        if first:
            _last = _writer.submit(_write, url)


def wait() -> None:
    """Until the notes taken so far are written (tests)."""
    with _lock:
        last = _last
    if last is not None:
        last.result(timeout=30)


def _write(url: str) -> None:
    with _lock:
        times = _pending.pop(url)
    try:
        if url not in _engines:
            _engines[url] = make_engine(url, pool_size=1, pre_ping=True)
        with Session(_engines[url]) as session:
            for token_hash, at in times.items():
                session.execute(update(ApiToken).where(ApiToken.token_hash == token_hash,
                                                       or_(ApiToken.last_used_at.is_(None),
                                                           ApiToken.last_used_at < at)).values(last_used_at=at))
            session.commit()
    except Exception:  # only a convenience: never worth a request's failure
        log.warning("could not write when API tokens were last used", exc_info=True)
