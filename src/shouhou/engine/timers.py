"""Arming, cancelling and describing case timers. Firing lives in sweep.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from shouhou.db.filters import is_state
from shouhou.db.insert import new_row
from shouhou.db.lookup import memo
from shouhou.engine.context import Ctx
from shouhou.engine.logrows import LogRows
from shouhou.engine.workflow import TimerSpec, Workflow
from shouhou.models import Case, Timer


def known_pending(ctx: Ctx) -> dict[int, list[Timer]]:
    """Pending timers of the cases this unit of work created or read with their timers, kept
    as actions arm and cancel them, so that describing the case afterwards needs no query."""
    return memo(ctx.session, "pending_timers")


def arm(ctx: Ctx, case: Case, spec: TimerSpec, due_at: datetime, rows: LogRows) -> Timer:
    timer = new_row(Timer, store_id=case.store_id, case_id=case.id, kind=spec.kind, action=spec.action,
                    due_at=due_at, state="pending", created_at=ctx.clock.now(), payload=dict(spec.payload or {}))
    # Written in order with the action's other rows (a later cancel in it sees this one);
    # the object stays a description of the row, outside the session.
    rows.insert(timer, persistent=False)
    known = known_pending(ctx).get(case.id)
    if known is not None:
        known.append(timer)
    return timer


# Plain UPDATEs: Timer rows are never held as ORM objects in a unit of work that cancels.
# Each as SQLAlchemy runs it and as the driver's pipeline sends it (PostgreSQL).
_T = Timer.__table__
_CANCEL_ALL = (_T.update().where(_T.c.case_id == bindparam("b_case"), is_state(_T.c.state, "pending"))
               .values(state="cancelled", fired_at=bindparam("now")))
_CANCEL_KINDS = _CANCEL_ALL.where(_T.c.kind.in_(bindparam("kinds", expanding=True)))
# 'pending' bound here too, as is_state binds it on PostgreSQL.
_PG_CANCEL_ALL = ("UPDATE timer SET state = 'cancelled', fired_at = %(now)s "
                  "WHERE case_id = %(b_case)s AND state = %(pending)s")
_PG_CANCEL_KINDS = _PG_CANCEL_ALL + " AND kind = ANY(%(kinds)s)"
_NEXT = (select(Timer).where(Timer.case_id == bindparam("b_case"), is_state(Timer.state, "pending"))
         .order_by(Timer.due_at, Timer.id).limit(1))


def cancel(ctx: Ctx, case: Case, kinds: tuple[str, ...] | None, rows: LogRows) -> None:
    """Cancel pending timers of a case: all of them (kinds None), or only the given kinds."""
    known = known_pending(ctx)
    if case.id in known:
        known[case.id] = [t for t in known[case.id] if kinds is not None and t.kind not in kinds]
    params = {"b_case": case.id, "now": ctx.clock.now(), "pending": "pending"}
    if kinds is None:
        rows.add(_CANCEL_ALL, _PG_CANCEL_ALL, params)
    else:
        rows.add(_CANCEL_KINDS, _PG_CANCEL_KINDS, {**params, "kinds": list(kinds)})


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
    known = known_pending(ctx).get(case.id)
    if known is not None:
        timer = min(known, key=lambda t: t.due_at, default=None)
    else:
        timer = ctx.session.scalars(_NEXT, {"b_case": case.id}).first()
    if timer is None:
        return None
    spec = spec_for(workflow, timer.kind)
    zh, en = (spec.zh, spec.en) if spec else (timer.action, timer.action)
    return Deadline(at=timer.due_at, kind=timer.kind, action=timer.action, zh=zh, en=en)
