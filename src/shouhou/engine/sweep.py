"""Firing due timers: each effect happens exactly once.

A batch is claimed and fired in one transaction (see bulk.py): compare-and-swap on the
timer's state, plus FOR UPDATE SKIP LOCKED on PostgreSQL so that several workers share
the load without waiting on each other. A crash before commit leaves every timer of the
batch pending, so it fires on the next sweep; one that committed is never fired again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from shouhou.clock import FrozenClock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine import bulk
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
    released: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.fired + self.skipped + self.failed


def fire_claimed(ctx: Ctx, timer: bulk.Claimed) -> str:
    """Fire one claimed timer through the engine, in a savepoint; fired|skipped|failed."""
    case = ctx.session.get_one(Case, timer.case_id)
    action = workflow_for(case.type).action(timer.action)
    if action is None or case.status not in action.sources:
        _mark(ctx, timer.id, "skipped", f"case is {case.status}")
        return "skipped"
    try:
        with ctx.session.begin_nested():
            run_action(ctx, case, timer.action, case.version, dict(timer.payload or {}))
    except ShouhouError as exc:
        # The savepoint undid the effect; record why and keep the rest of the batch.
        ctx.session.expire(case)
        _mark(ctx, timer.id, "failed", f"{exc.code}: {exc.message('en')}")
        return "failed"
    except OperationalError:
        raise  # transient (lost connection, deadlock): the whole batch rolls back and is retried
    except Exception as exc:
        # A bug in an effect would fail the same way on every sweep and hold up every timer
        # behind it: record it as failed, like a refusal, and keep the rest of the batch.
        log.exception("timer effect failed", extra={"fields": {"timer": timer.id, "kind": timer.kind}})
        ctx.session.expire(case)
        _mark(ctx, timer.id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    return "fired"


def _mark(ctx: Ctx, timer_id: int, state: str, why: str) -> None:
    ctx.session.execute(update(Timer).where(Timer.id == timer_id).values(state=state, result=why[:1000]),
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
            claimed = bulk.claim(ctx, as_of, size)
            if not claimed:
                break
            batch = bulk.fire_batch(ctx, claimed)
            outcomes = {"fired": batch.fired, "skipped": batch.skipped, "failed": 0}
            for timer in batch.deferred:
                outcome = fire_claimed(ctx, timer)
                outcomes[outcome] += 1
                if outcome == "failed":
                    result.errors.append(f"timer {timer.id} ({timer.kind})")
        result.batches += 1
        result.released += batch.released
        for outcome, n in outcomes.items():
            setattr(result, outcome, getattr(result, outcome) + n)
            if n:
                TIMERS_FIRED.labels(outcome).inc(n)
        if batch.released == batch.claimed:
            break  # every case was busy; the next sweep picks them up
    if result.total:
        log.info("timers swept", extra={"fields": {"fired": result.fired, "skipped": result.skipped,
                                                   "failed": result.failed, "as_of": as_of.isoformat()}})
    return result
