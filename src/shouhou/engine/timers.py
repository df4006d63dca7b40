"""Arming, cancelling and describing case timers. Firing lives in sweep.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from shouhou.db.base import table_of
from shouhou.db.cache import cache_of
from shouhou.db.filters import is_state
from shouhou.engine.context import Ctx
from shouhou.engine.logrows import LogRows
from shouhou.engine.messages import timer_row
from shouhou.engine.workflow import TimerSpec, Workflow
from shouhou.models import Case, Timer


@dataclass(frozen=True)
class Pending:
    """A pending timer as this unit of work knows it."""

    kind: str
    action: str
    due_at: datetime


def _key(case_id: int) -> tuple[str, int]:
    return ("pending_timers", case_id)


def known_pending(ctx: Ctx, case_id: int, timers: list[Timer] | list[Pending]) -> None:
    """The case's pending timers as just read with it (or none, for a new case), kept up to
    date as actions arm and cancel them, so that describing the case afterwards needs no query."""
    cache_of(ctx.session).put(_key(case_id), [Pending(t.kind, t.action, t.due_at) for t in timers])


def arm(ctx: Ctx, case: Case, spec: TimerSpec, due_at: datetime, rows: LogRows) -> None:
    rows.insert(_T, timer_row(store_id=case.store_id, case_id=case.id, kind=spec.kind, action=spec.action,
                              due_at=due_at, created_at=ctx.clock.now(), payload=dict(spec.payload or {})))
    known = cache_of(ctx.session).peek(_key(case.id))
    if known is not None:
        known.append(Pending(spec.kind, spec.action, due_at))


_T = table_of(Timer)
_CANCEL_ALL = (_T.update().where(_T.c.case_id == bindparam("b_case"), is_state(_T.c.state, "pending"))
               .values(state="cancelled", fired_at=bindparam("now")))
_CANCEL_KINDS = _CANCEL_ALL.where(_T.c.kind.in_(bindparam("kinds", expanding=True)))
_NEXT = (select(Timer).where(Timer.case_id == bindparam("b_case"), is_state(Timer.state, "pending"))
         .order_by(Timer.due_at, Timer.id).limit(1))


def cancel(ctx: Ctx, case: Case, kinds: tuple[str, ...] | None, rows: LogRows) -> None:
    """Cancel pending timers of a case: all of them (kinds None), or only the given kinds."""
    key = _key(case.id)
    cache = cache_of(ctx.session)
    known = cache.peek(key)
    if known is not None:
        cache.put(key, [t for t in known if kinds is not None and t.kind not in kinds])
    params = {"b_case": case.id, "now": ctx.clock.now()}
    if kinds is None:
        rows.execute(_CANCEL_ALL, params)
    else:
        rows.execute(_CANCEL_KINDS, {**params, "kinds": list(kinds)})


def spec_for(workflow: Workflow, kind: str) -> TimerSpec | None:
    for s in workflow.states:
        for t in s.timers:
            if t.kind == kind:
                return t
    for a in (workflow.create, *workflow.actions):
        for t in a.sets_timers:
            if t.kind == kind:
                return t
    return None


@dataclass(frozen=True)
class Deadline:
    at: datetime
    kind: str
    action: str
    zh: str
    en: str


def next_deadline(ctx: Ctx, workflow: Workflow, case: Case) -> Deadline | None:
    known = cache_of(ctx.session).peek(_key(case.id))
    timer: Pending | Timer | None
    if known is not None:
        timer = min(known, key=lambda t: t.due_at, default=None)
    else:
        timer = ctx.session.scalars(_NEXT, {"b_case": case.id}).first()
    if timer is None:
        return None
    spec = spec_for(workflow, timer.kind)
    zh, en = (spec.zh, spec.en) if spec else (timer.action, timer.action)
    return Deadline(at=timer.due_at, kind=timer.kind, action=timer.action, zh=zh, en=en)
