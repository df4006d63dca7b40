"""Firing a batch of due timers in a few statements.

One transaction per batch: claim the due timers (FOR UPDATE SKIP LOCKED on PostgreSQL),
lock their cases with SKIP LOCKED too — a case an API request is changing right now is
put back for the next sweep, so the sweep never waits on a request and the two cannot
deadlock — then fire. Transitions that are pure data (no guard, effect or payload; one
target; constant timer durations) are applied with set-based statements; the others go
through the engine one by one in savepoints. Either way a timer's effect and its claim
commit together, so each fires exactly once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.workflow import Action, Workflow
from shouhou.models import Case, CaseEvent, OutboxMessage, Timer


@dataclass
class Claimed:
    id: int
    case_id: int
    store_id: int
    kind: str
    action: str
    payload: dict[str, Any]


@dataclass
class BatchResult:
    fired: int = 0
    skipped: int = 0
    deferred: list[Claimed] = field(default_factory=list)  # need the full engine
    released: int = 0  # case busy: put back for the next sweep
    claimed: int = 0


def is_pure(workflow: Workflow, action: Action) -> bool:
    """Can this action be applied as plain data, without running any code of the context?"""
    if action.effect or action.guard or action.offered or action.payload or action.sets_timers \
            or action.cancels_timers or len(action.targets) != 1 or "system" not in action.roles:
        return False
    target = action.targets[0]
    return target is None or all(not callable(t.after) for t in workflow.state(target).timers)


def claim(ctx: Ctx, as_of: datetime, limit: int) -> list[Claimed]:
    due = (select(Timer.id).where(Timer.state == "pending", Timer.due_at <= as_of)
           .order_by(Timer.due_at, Timer.id).limit(limit))
    if _is_pg(ctx):
        due = due.with_for_update(skip_locked=True)
    rows = ctx.session.execute(
        update(Timer).where(Timer.id.in_(due)).values(state="fired", fired_at=ctx.clock.now())
        .returning(Timer.id, Timer.case_id, Timer.store_id, Timer.kind, Timer.action, Timer.payload),
        execution_options={"synchronize_session": False})
    return sorted((Claimed(*r) for r in rows), key=lambda c: c.id)


def _is_pg(ctx: Ctx) -> bool:
    return ctx.session.get_bind().dialect.name == "postgresql"


def fire_batch(ctx: Ctx, timers: list[Claimed]) -> BatchResult:
    result = BatchResult(claimed=len(timers))
    if not timers:
        return result
    session = ctx.session
    case_ids = sorted({t.case_id for t in timers})
    stmt = select(Case.id, Case.no, Case.type, Case.status, Case.version, Case.closed_at).where(
        Case.id.in_(case_ids)).order_by(Case.id)
    if _is_pg(ctx):
        stmt = stmt.with_for_update(skip_locked=True)
    cases = {r.id: r for r in session.execute(stmt)}
    busy = [t.id for t in timers if t.case_id not in cases]
    if busy:
        session.execute(update(Timer).where(Timer.id.in_(busy)).values(state="pending", fired_at=None),
                        execution_options={"synchronize_session": False})
        result.released = len(busy)
    now = ctx.clock.now()
    seen: set[int] = set()
    moves, events, outbox, skipped = [], [], [], []
    cancel_all: list[int] = []
    cancel_kinds: dict[tuple[str, ...], list[int]] = defaultdict(list)
    arm: list[dict[str, Any]] = []
    for t in timers:
        case = cases.get(t.case_id)
        if case is None:
            continue
        workflow = workflow_for(case.type)
        action = workflow.action(t.action)
        if action is None or case.status not in action.sources:
            skipped.append(t.id)
            continue
        if t.case_id in seen or t.payload or not is_pure(workflow, action):
            result.deferred.append(t)  # a second timer of one case, or code to run
            continue
        seen.add(t.case_id)
        target = action.targets[0] or case.status
        version = case.version + 1
        entered = workflow.state(target)
        left = workflow.state(case.status)
        closed_at = now if entered.terminal else (None if left.terminal else case.closed_at)
        moves.append({"cid": case.id, "old": case.version, "new": version, "st": target, "at": now,
                      "closed": closed_at})
        events.append({"store_id": t.store_id, "case_id": case.id, "seq": version, "action": action.name,
                       "from_status": case.status, "to_status": target, "actor_id": None, "actor_name": "system",
                       "actor_role": "system", "at": now, "visibility": action.visibility, "payload": {}})
        outbox.append({"store_id": t.store_id, "topic": "case.transitioned", "case_id": case.id,
                       "created_at": now, "payload": {
                           "case": case.no, "type": case.type, "action": action.name, "from": case.status,
                           "to": target, "version": version, "at": now.isoformat(), "actor": "system"}})
        if target != case.status:
            if entered.terminal:
                cancel_all.append(case.id)
            elif left.timers:
                cancel_kinds[tuple(sorted(x.kind for x in left.timers))].append(case.id)
            for spec in entered.timers:
                arm.append({"store_id": t.store_id, "case_id": case.id, "kind": spec.kind, "action": spec.action,
                            "due_at": now + spec.after, "state": "pending", "created_at": now, "payload": {}})
    _apply(ctx, moves, events, outbox, skipped, cancel_all, cancel_kinds, arm)
    result.fired, result.skipped = len(moves), len(skipped)
    return result


def _apply(ctx: Ctx, moves: list, events: list, outbox: list, skipped: list[int], cancel_all: list[int],
           cancel_kinds: dict[tuple[str, ...], list[int]], arm: list) -> None:
    session, now = ctx.session, ctx.clock.now()
    no_sync = {"synchronize_session": False}
    if moves:
        table = Case.__table__
        session.execute(
            table.update().where(table.c.id == bindparam("cid"), table.c.version == bindparam("old"))
            .values(status=bindparam("st"), version=bindparam("new"), updated_at=bindparam("at"),
                    closed_at=bindparam("closed")), moves)
        session.execute(insert(CaseEvent), events)
        session.execute(insert(OutboxMessage), outbox)
    if skipped:
        session.execute(update(Timer).where(Timer.id.in_(skipped)).values(state="skipped", result="not applicable"),
                        execution_options=no_sync)
    if cancel_all:
        session.execute(update(Timer).where(Timer.case_id.in_(cancel_all), Timer.state == "pending")
                        .values(state="cancelled", fired_at=now), execution_options=no_sync)
    for kinds, ids in cancel_kinds.items():
        session.execute(update(Timer).where(Timer.case_id.in_(ids), Timer.state == "pending",
                                            Timer.kind.in_(kinds)).values(state="cancelled", fired_at=now),
                        execution_options=no_sync)
    if arm:
        session.execute(insert(Timer), arm)
