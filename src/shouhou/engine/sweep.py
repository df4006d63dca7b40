"""Firing due timers: each effect happens exactly once.

A batch is claimed and fired in one transaction: compare-and-swap on the timer's state,
plus FOR UPDATE SKIP LOCKED on PostgreSQL so that several workers share the load without
waiting on each other. A crash before commit leaves every timer of the batch pending, so
it fires on the next sweep; one that committed is never fired again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from shouhou.clock import FrozenClock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine.actor import SYSTEM
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import run_action
from shouhou.errors import ShouhouError
from shouhou.metrics import TIMERS_FIRED
from shouhou.models import Case, Timer

log = logging.getLogger("shouhou.timers")


@dataclass
class SweepResult:
    fired: int = 0
    skipped: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.fired + self.skipped + self.failed


def due_ids(ctx: Ctx, as_of: datetime, limit: int) -> list[int]:
    stmt = (select(Timer.id).where(Timer.state == "pending", Timer.due_at <= as_of)
            .order_by(Timer.due_at, Timer.id).limit(limit))
    if ctx.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(ctx.session.scalars(stmt))


def fire_one(ctx: Ctx, timer: Timer) -> str:
    """Fire one claimed timer inside the caller's transaction; returns fired|skipped|failed."""
    claimed = ctx.session.execute(
        update(Timer).where(Timer.id == timer.id, Timer.state == "pending")
        .values(state="fired", fired_at=ctx.clock.now()),
        execution_options={"synchronize_session": False}).rowcount
    if claimed != 1:
        return "lost"  # another worker fired it; never twice
    case = ctx.session.get_one(Case, timer.case_id)
    action = workflow_for(case.type).action(timer.action)
    if action is None or case.status not in action.sources:
        _mark(ctx, timer, "skipped", f"case is {case.status}")
        return "skipped"
    try:
        with ctx.session.begin_nested():
            run_action(ctx, case, timer.action, case.version, dict(timer.payload or {}))
    except ShouhouError as exc:
        # The savepoint undid the effect; record why and keep the rest of the batch.
        ctx.session.expire(case)
        _mark(ctx, timer, "failed", f"{exc.code}: {exc.message('en')}")
        return "failed"
    return "fired"


def _mark(ctx: Ctx, timer: Timer, state: str, why: str) -> None:
    ctx.session.execute(update(Timer).where(Timer.id == timer.id).values(state=state, result=why[:1000]),
                        execution_options={"synchronize_session": False})


def run_due(db: Database, settings: Settings, as_of: datetime, *, batch_size: int | None = None,
            max_batches: int | None = None) -> SweepResult:
    """Fire every timer due at `as_of`, batch by batch, each batch its own transaction."""
    result = SweepResult()
    size = batch_size or settings.timer_batch_size
    clock = FrozenClock(as_of)
    while max_batches is None or result.batches < max_batches:
        with db.session() as session:
            ctx = Ctx(session=session, actor=SYSTEM, clock=clock, settings=settings, lang="en")
            ids = due_ids(ctx, as_of, size)
            if not ids:
                break
            timers = session.scalars(select(Timer).where(Timer.id.in_(ids)).order_by(Timer.due_at, Timer.id))
            for timer in list(timers):
                outcome = fire_one(ctx, timer)
                if outcome == "lost":
                    continue
                setattr(result, outcome, getattr(result, outcome) + 1)
                TIMERS_FIRED.labels(outcome).inc()
                if outcome == "failed":
                    result.errors.append(f"timer {timer.id} ({timer.kind})")
        result.batches += 1
    if result.total:
        log.info("timers swept", extra={"fields": {"fired": result.fired, "skipped": result.skipped,
                                                   "failed": result.failed, "as_of": as_of.isoformat()}})
    return result
