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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    BindParameter,
    ClauseElement,
    String,
    any_,
    func,
    insert,
    literal,
    null,
    select,
    update,
)

from shouhou.db.base import table_of
from shouhou.db.filters import is_constant, is_state
from shouhou.db.types import UTCDateTime
from shouhou.engine.context import Ctx
from shouhou.engine.messages import TRANSITIONED, event_row, outbox_row, timer_row, transition_message
from shouhou.engine.registry import workflow_for
from shouhou.engine.workflow import Action, State, TimerSpec, Workflow
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
           .where(is_constant(Timer.state, "pending"), Timer.due_at <= as_of)
           .order_by(Timer.due_at, Timer.id).limit(limit))
    if _is_pg(ctx):
        due = due.with_for_update(skip_locked=True)
    # .all(): one fetch of the whole batch; iterating a result fetches row by row.
    return [Claimed(*r) for r in ctx.session.connection().execute(due).all()]


def _is_pg(ctx: Ctx) -> bool:
    return ctx.session.get_bind().dialect.name == "postgresql"


def _among(ctx: Ctx, column: Any, ids: list[int] | BindParameter) -> Any:
    """column IN ids — one array parameter on PostgreSQL instead of thousands of placeholders
    (pass the same `_array` to two conditions of one statement and it is sent once)."""
    if _is_pg(ctx):
        return column == any_(ids if isinstance(ids, BindParameter) else _array(ids))
    return column.in_(ids)


def _array(ids: list[int]) -> BindParameter:
    return literal(list(ids), ARRAY(BigInteger))


@dataclass(frozen=True, eq=False)  # cached per key, so compared by identity
class Route:
    """How one pure action moves a case out of one status: the same for every case of a group."""

    action: Action
    source: str
    target: str
    closing: bool | None  # closed_at: set on entering a terminal state, cleared on leaving one, else kept
    cancel: tuple[str, ...] | bool | None  # False: keep; None: every pending timer; else these kinds
    arms: tuple[TimerSpec, ...]
    pure: bool  # plain data, moved by set-based statements; otherwise the engine runs it case by case


@cache
def _route(case_type: str, status: str, action_name: str) -> Route | None:
    """None: the action does not apply in this status (the timer is skipped)."""
    workflow = workflow_for(case_type)
    action = workflow.action(action_name)
    if action is None or status not in action.sources:
        return None
    target = action.targets[0] or status
    entered, left = _state(case_type, target), _state(case_type, status)
    closing = True if entered.terminal else (False if left.terminal else None)
    cancel: tuple[str, ...] | bool | None = False
    arms: tuple[TimerSpec, ...] = ()
    if target != status:
        if entered.terminal:
            cancel = None
        elif left.timers:
            cancel = tuple(sorted(t.kind for t in left.timers))
        arms = entered.timers
    return Route(action, status, target, closing, cancel, arms, is_pure(workflow, action))


def fire_batch(ctx: Ctx, timers: list[Claimed]) -> BatchResult:
    result = BatchResult(claimed=len(timers))
    if not timers:
        return result
    # Core on the connection: these rows are plain data, the ORM's per-statement work buys nothing.
    conn = ctx.session.connection()
    now = ctx.clock.now()  # one time for the whole batch: fired, moved, logged, cancelled
    case_ids = sorted({t.case_id for t in timers})
    stmt = select(Case.id, Case.type, Case.status).where(_among(ctx, Case.id, case_ids)).order_by(Case.id)
    if _is_pg(ctx):
        # Never wait for a case a request is changing: leave its timers for the next sweep.
        stmt = stmt.with_for_update(skip_locked=True)
    cases = {r[0]: r for r in conn.execute(stmt).all()}
    mine = [t.id for t in timers if t.case_id in cases]
    result.released = len(timers) - len(mine)
    if mine:
        fired = set(conn.execute(
            update(Timer).where(_among(ctx, Timer.id, mine), is_state(Timer.state, "pending"))
            .values(state="fired", fired_at=now).returning(Timer.id)).scalars().all())
        timers = [t for t in timers if t.id in fired]
    seen: set[int] = set()
    # Cases moving the same way share one set of statements (rows are locked: no CAS needed).
    moves: dict[Route, list[int]] = defaultdict(list)
    skipped: list[int] = []
    for t in timers:
        case = cases.get(t.case_id)
        if case is None:
            continue
        route = _route(case[1], case[2], t.action)
        if route is None:
            skipped.append(t.id)
            continue
        if t.case_id in seen or t.payload or not route.pure:
            result.deferred.append(t)  # a second timer of one case, or code to run
            continue
        seen.add(t.case_id)
        moves[route].append(t.case_id)
    for route, ids in moves.items():
        _move(ctx, route, ids, now)
    if skipped:
        conn.execute(update(Timer).where(_among(ctx, Timer.id, skipped))
                     .values(state="skipped", result="not applicable"))
    result.fired = sum(len(ids) for ids in moves.values())
    result.skipped = len(skipped)
    return result


def _text(value: str) -> Any:
    # Typed (psycopg binds it as ::VARCHAR), so that json_build_object, which takes "any", knows what it got.
    return literal(value, String())


def _move(ctx: Ctx, route: Route, ids: list[int], now: datetime) -> None:
    """Move the cases and write their events, outbox messages and timers, all built by the
    database from the moved rows: no row travels from Python. On PostgreSQL it is one statement
    (the UPDATE … RETURNING feeds the INSERTs as data-modifying WITH clauses); SQLite runs the
    same parts in turn, the inserts reading the updated rows back."""
    stamp = now.isoformat()
    conn = ctx.session.connection()
    cases, pg, action = table_of(Case), _is_pg(ctx), route.action
    values: dict[str, Any] = {"status": route.target, "version": cases.c.version + 1, "updated_at": now}
    if route.closing is not None:
        values["closed_at"] = now if route.closing else None
    among = _array(ids) if pg else ids  # the moved cases, and whose timers to cancel
    moving = cases.update().where(_among(ctx, cases.c.id, among), cases.c.status == route.source).values(**values)
    columns = (cases.c.id, cases.c.store_id, cases.c.no, cases.c.type, cases.c.version)
    if pg:
        moved: Any = moving.returning(*columns).cte("moved")
    else:
        conn.execute(moving)
        moved = select(*columns).where(cases.c.id.in_(ids)).subquery("moved")
    stamp_at = literal(now, UTCDateTime())
    event = event_row(
        store_id=moved.c.store_id, case_id=moved.c.id, seq=moved.c.version, action=_text(action.name),
        from_status=_text(route.source), to_status=_text(route.target), actor_id=null(), actor_name=_text("system"),
        actor_role=_text("system"), at=stamp_at, visibility=_text(action.visibility),
        payload=literal({}, table_of(CaseEvent).c.payload.type))
    message = transition_message(
        case_no=moved.c.no, case_type=moved.c.type, action=_text(action.name), from_status=_text(route.source),
        to_status=_text(route.target), version=moved.c.version, at=_text(stamp), actor=_text("system"))
    obj = func.json_build_object if pg else func.json_object
    outbox = outbox_row(store_id=moved.c.store_id, topic=_text(TRANSITIONED), case_id=moved.c.id,
                        payload=obj(*(part for key, value in message.items() for part in (_text(key), value))),
                        created_at=stamp_at)
    parts = [_insert_from(table_of(CaseEvent), event), _insert_from(table_of(OutboxMessage), outbox)]
    if route.cancel is not False:
        pending = select(Timer.id).where(_among(ctx, Timer.case_id, among), is_state(Timer.state, "pending"))
        if isinstance(route.cancel, tuple):
            pending = pending.where(Timer.kind.in_(route.cancel))
        parts.append(_cancel(ctx, pending, now))
    for spec in route.arms:  # after the cancel: a new deadline of the same kind stays pending
        parts.append(_insert_from(table_of(Timer), timer_row(
            store_id=moved.c.store_id, case_id=moved.c.id, kind=_text(spec.kind), action=_text(spec.action),
            due_at=literal(now + _constant(spec.after), UTCDateTime()), created_at=stamp_at,
            payload=literal(spec.payload or {}, table_of(Timer).c.payload.type))))
    if pg:
        # The clauses share one snapshot: the cancel cannot see the timers armed beside it.
        last = parts.pop()
        conn.execute(last.add_cte(*(p.cte(f"w{i}") for i, p in enumerate(parts))))
        return
    for part in parts:
        conn.execute(part)


def _constant(after: Any) -> timedelta:
    """A pure route's timer durations are constants (is_pure checks it)."""
    assert isinstance(after, timedelta)
    return after


def _insert_from(table: Any, row: dict[str, Any]) -> Any:
    """INSERT … SELECT of one row per moved case, its columns as `row` gives them (None: NULL)."""
    exprs: list[Any] = [null() if v is None else v if isinstance(v, ClauseElement) else literal(v, table.c[k].type)
             for k, v in row.items()]
    return insert(table).from_select(list(row), select(*exprs))


def _cancel(ctx: Ctx, pending: Any, now: datetime) -> Any:
    """Cancel the other pending timers of fired cases; one another worker holds is left alone
    (it is skipped when it fires, since its case has moved on)."""
    if _is_pg(ctx):
        # = ANY(ARRAY(...)): probes the primary key; IN (subquery) may scan the whole table.
        chosen = Timer.id == any_(func.array(pending.with_for_update(skip_locked=True).scalar_subquery()))
    else:
        chosen = Timer.id.in_(pending.scalar_subquery())
    return update(Timer).where(chosen).values(state="cancelled", fired_at=now)
