"""The SLA sweep, a worker job: look at every clock whose `check_at` has come, read its case's event
log again, store what it says, and fire the warning (75 %) and the breach once each.

Why a table of its own rather than engine timers: an engine timer fires an action of the case's
workflow, which would add an event and a version to every case of every type each time a clock is
looked at (and make an agent's action conflict with it); these clocks change nothing of the case
but what escalation asks for. Exactly once: the rows due are locked with SKIP LOCKED on PostgreSQL
(another worker takes others), and the warning and the breach are each set by compare-and-swap
from NULL in the same transaction as their notifications — a second worker, or a second look,
finds them set and does nothing.

A clock is looked at again when a transition touches its case (the desk's observer sets
`check_at` to now), at its warning and due times while it runs, and — while paused — at the
case's next engine timer, since the set-based sweep can move a case out of a waiting state
without any observer.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.desk import escalation
from shouhou.desk import repository as repo
from shouhou.desk.sla import readings
from shouhou.engine.actor import SYSTEM
from shouhou.engine.context import Ctx
from shouhou.models.desk import SlaClock

log = logging.getLogger("shouhou.desk.sla")
BATCH = 500


def sweep(db: Database, settings: Settings, clock: Clock, batch: int = BATCH) -> int:
    """One batch of due clocks, in one transaction; how many it looked at."""
    now = clock.now()
    with db.session() as session:
        ctx = Ctx(session=session, actor=SYSTEM, clock=clock, settings=settings, lang="zh")
        due = repo.due_clocks(session, now, batch, skip_locked=not db.is_sqlite)
        by_case: dict[int, list[SlaClock]] = defaultdict(list)
        for row in due:
            by_case[row.case_id].append(row)
        for case_id, rows in by_case.items():
            look(ctx, case_id, rows)
        return len(due)


def look(ctx: Ctx, case_id: int, rows: list[SlaClock]) -> None:
    """Store what the event log says of these clocks of one case; fire what has come due."""
    now = ctx.clock.now()
    case = repo.case_by_id(ctx.session, case_id)
    _, found = readings(ctx, case, repo.clocks_of(ctx.session, case_id))
    by_target = {r.target: r for r in found}
    paused_until: datetime | None = None
    looked_for_timer = False
    for row in rows:
        reading = by_target.get(row.target)
        row.updated_at = now
        if reading is None:  # next_response before the customer wrote again
            row.status, row.check_at = "idle", None
            continue
        row.status, row.due_at, row.elapsed_seconds, row.met_at = (
            reading.status, reading.due_at, int(reading.elapsed), reading.met_at)
        late_warning = reading.status != "met" and reading.warn_at is not None and reading.warn_at <= now
        if late_warning and row.warned_at is None and repo.mark_once(ctx.session, row.id, "warned_at", now):
            row.warned_at = now
            escalation.fire(ctx, case, row, "warning")
        if reading.status == "breached" and row.breached_at is None \
                and repo.mark_once(ctx.session, row.id, "breached_at", now):
            row.breached_at = now
            escalation.fire(ctx, case, row, "breach")
        if reading.status == "running":
            upcoming = [t for t, done in ((reading.warn_at, row.warned_at), (reading.due_at, row.breached_at))
                        if t is not None and done is None]
            row.check_at = max(min(upcoming), now) if upcoming else None
        elif reading.status == "paused":
            if not looked_for_timer:
                paused_until, looked_for_timer = repo.next_case_timer(ctx.session, case_id), True
            row.check_at = paused_until
        else:
            row.check_at = None
    ctx.session.flush()
