"""Firing a batch of due timers in a few statements.

One transaction per batch: lock the due timers (FOR UPDATE SKIP LOCKED on PostgreSQL),
then their cases, with SKIP LOCKED too — a case a request is changing right now is left
untouched for the next sweep — and only then mark the timers fired. The sweep never waits
on a request, so the two cannot deadlock; requests lock a case and then its timers. Transitions that are pure data (no guard, effect or payload; one
target; constant timer durations) are applied with set-based statements; the others go
through the engine one by one in savepoints. Either way a timer's effect and its claim
commit together, so each fires exactly once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, any_, func, literal, select, update

from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.workflow import Action, State, Workflow
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


@cache
def _plan(case_type: str, action_name: str) -> tuple[Workflow, Action | None, bool]:
    """Per (type, action): the declaration and whether it can be applied as plain data."""
    workflow = workflow_for(case_type)
    action = workflow.action(action_name)
    return workflow, action, action is not None and is_pure(workflow, action)


@cache
def _state(case_type: str, name: str) -> State:
    return workflow_for(case_type).state(name)


def is_pure(workflow: Workflow, action: Action) -> bool:
    """Can this action be applied as plain data, without running any code of the context?"""
    if action.effect or action.guard or action.offered or action.payload or action.sets_timers \
            or action.cancels_timers or len(action.targets) != 1 or "system" not in action.roles:
        return False
    target = action.targets[0]
    return target is None or all(not callable(t.after) for t in workflow.state(target).timers)


def claim(ctx: Ctx, as_of: datetime, limit: int) -> list[Claimed]:
    """Due timers, locked (SKIP LOCKED: another worker's are left to it) but not yet written."""
    due = (select(Timer.id, Timer.case_id, Timer.store_id, Timer.kind, Timer.action, Timer.payload)
           .where(Timer.state == "pending", Timer.due_at <= as_of).order_by(Timer.due_at, Timer.id).limit(limit))
    if _is_pg(ctx):
        due = due.with_for_update(skip_locked=True)
    return [Claimed(*r) for r in ctx.session.execute(due)]


def _is_pg(ctx: Ctx) -> bool:
    return ctx.session.get_bind().dialect.name == "postgresql"


def _among(ctx: Ctx, column: Any, ids: list[int]) -> Any:
    """column IN ids — one array parameter on PostgreSQL instead of thousands of placeholders."""
    if _is_pg(ctx):
        return column == any_(literal(list(ids), ARRAY(BigInteger)))
    return column.in_(ids)


def fire_batch(ctx: Ctx, timers: list[Claimed]) -> BatchResult:
    result = BatchResult(claimed=len(timers))
    if not timers:
        return result
    session = ctx.session
    case_ids = sorted({t.case_id for t in timers})
    stmt = select(Case.id, Case.no, Case.type, Case.status, Case.version, Case.closed_at).where(
        _among(ctx, Case.id, case_ids)).order_by(Case.id)
    if _is_pg(ctx):
        # Never wait for a case a request is changing: leave its timers for the next sweep.
        stmt = stmt.with_for_update(skip_locked=True)
    cases = {r.id: r for r in session.execute(stmt)}
    mine = [t.id for t in timers if t.case_id in cases]
    result.released = len(timers) - len(mine)
    if mine:
        fired = set(session.scalars(
            update(Timer).where(_among(ctx, Timer.id, mine), Timer.state == "pending")
            .values(state="fired", fired_at=ctx.clock.now()).returning(Timer.id),
            execution_options={"synchronize_session": False}))
        timers = [t for t in timers if t.id in fired]
    now = ctx.clock.now()
    stamp = now.isoformat()
    seen: set[int] = set()
    # Cases moving the same way share one set-based UPDATE (rows are locked: no CAS needed).
    moves: dict[tuple[str, str, bool | None], list[int]] = defaultdict(list)
    events, outbox, skipped = [], [], []
    cancel_all: list[int] = []
    cancel_kinds: dict[tuple[str, ...], list[int]] = defaultdict(list)
    arm: list[dict[str, Any]] = []
    for t in timers:
        case = cases.get(t.case_id)
        if case is None:
            continue
        _, action, pure = _plan(case.type, t.action)
        if action is None or case.status not in action.sources:
            skipped.append(t.id)
            continue
        if t.case_id in seen or t.payload or not pure:
            result.deferred.append(t)  # a second timer of one case, or code to run
            continue
        seen.add(t.case_id)
        target = action.targets[0] or case.status
        version = case.version + 1
        entered = _state(case.type, target)
        left = _state(case.type, case.status)
        # closed_at: set on entering a terminal state, cleared on leaving one, else kept.
        closing = True if entered.terminal else (False if left.terminal else None)
        moves[(case.status, target, closing)].append(case.id)
        events.append({"store_id": t.store_id, "case_id": case.id, "seq": version, "action": action.name,
                       "from_status": case.status, "to_status": target, "actor_id": None, "actor_name": "system",
                       "actor_role": "system", "at": now, "visibility": action.visibility, "payload": EMPTY})
        outbox.append({"store_id": t.store_id, "topic": "case.transitioned", "case_id": case.id,
                       "created_at": now, "dispatched_at": None, "payload": Json({
                           "case": case.no, "type": case.type, "action": action.name, "from": case.status,
                           "to": target, "version": version, "at": stamp, "actor": "system"})})
        if target != case.status:
            if entered.terminal:
                cancel_all.append(case.id)
            elif left.timers:
                cancel_kinds[tuple(sorted(x.kind for x in left.timers))].append(case.id)
            for spec in entered.timers:
                arm.append({"store_id": t.store_id, "case_id": case.id, "kind": spec.kind, "action": spec.action,
                            "due_at": now + spec.after, "state": "pending", "created_at": now, "fired_at": None,
                            "result": None, "payload": EMPTY})
    _apply(ctx, moves, events, outbox, skipped, cancel_all, cancel_kinds, arm)
    result.fired, result.skipped = len(events), len(skipped)
    return result


def _apply(ctx: Ctx, moves: dict[tuple[str, str, bool | None], list[int]], events: list, outbox: list,
           skipped: list[int], cancel_all: list[int], cancel_kinds: dict[tuple[str, ...], list[int]],
           arm: list) -> None:
    session, now = ctx.session, ctx.clock.now()
    no_sync = {"synchronize_session": False}
    cases = Case.__table__
    for (source, target, closing), ids in moves.items():
        values: dict[str, Any] = {"status": target, "version": cases.c.version + 1, "updated_at": now}
        if closing is not None:
            values["closed_at"] = now if closing else None
        session.execute(cases.update().where(_among(ctx, cases.c.id, ids), cases.c.status == source).values(**values))
    if events:
        _insert(ctx, CaseEvent, events)
        _insert(ctx, OutboxMessage, outbox)
    if skipped:
        session.execute(update(Timer).where(_among(ctx, Timer.id, skipped))
                        .values(state="skipped", result="not applicable"),
                        execution_options=no_sync)
    if cancel_all:
        _cancel(ctx, select(Timer.id).where(_among(ctx, Timer.case_id, cancel_all), Timer.state == "pending"))
    for kinds, ids in cancel_kinds.items():
        _cancel(ctx, select(Timer.id).where(_among(ctx, Timer.case_id, ids), Timer.state == "pending",
                                            Timer.kind.in_(kinds)))
    if arm:
        _insert(ctx, Timer, arm)


class Json(dict):
    """A JSON column value serialised once, however it is written."""

    @property
    def text(self) -> str:
        return json.dumps(self, ensure_ascii=False)


EMPTY = Json()


def _cancel(ctx: Ctx, pending: Any) -> None:
    """Cancel the other pending timers of fired cases; one another worker holds is left alone
    (it is skipped when it fires, since its case has moved on)."""
    if _is_pg(ctx):
        # = ANY(ARRAY(...)): probes the primary key; IN (subquery) may scan the whole table.
        chosen = Timer.id == any_(func.array(pending.with_for_update(skip_locked=True).scalar_subquery()))
    else:
        chosen = Timer.id.in_(pending.scalar_subquery())
    ctx.session.execute(update(Timer).where(chosen)
                        .values(state="cancelled", fired_at=ctx.clock.now()),
                        execution_options={"synchronize_session": False})


def _insert(ctx: Ctx, model: type, rows: list[dict[str, Any]]) -> None:
    """Many rows at once: COPY on PostgreSQL (no statement to parse per row), executemany elsewhere."""
    if not _is_pg(ctx):
        ctx.session.execute(model.__table__.insert(), rows)
        return
    columns = list(rows[0])
    json_at = {i for i, c in enumerate(columns) if isinstance(rows[0][c], Json)}
    cursor = ctx.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = list(row.values())
            for i in json_at:
                values[i] = values[i].text
            copy.write_row(values)
