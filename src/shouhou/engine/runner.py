"""The one engine that runs every workflow declaration.

A transition: validate payload → permission → version → source state → offered → guard →
claim the case with compare-and-swap on its version → effect → new status → event →
timers → outbox, all inside the caller's transaction. Nothing here commits; a refusal
(anything raised before the claim) writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value

from shouhou.db.base import table_of
from shouhou.db.cache import cache_of
from shouhou.engine import timers
from shouhou.engine.context import Ctx
from shouhou.engine.logrows import LogRows
from shouhou.engine.messages import CREATED, TRANSITIONED, event_row, transition_message
from shouhou.engine.numbers import next_case_no
from shouhou.engine.outbox import emit
from shouhou.engine.permissions import may_act
from shouhou.engine.registry import observers, workflow_for
from shouhou.engine.workflow import Action, Handler, Workflow
from shouhou.errors import Conflict, Invalid, forbidden, validation_failed
from shouhou.fields import parse
from shouhou.metrics import TRANSITIONS
from shouhou.models import Case, CaseEvent


@dataclass
class Step:
    """What guards and effects see and may change."""

    ctx: Ctx
    case: Case
    workflow: Workflow
    action: Action
    payload: Any
    from_status: str | None
    # Extra facts recorded in the event (beyond the payload), e.g. the computed amount.
    record: dict[str, Any] = field(default_factory=dict)
    visibility: str = "public"
    # Rows written with the action's event, in order, when it finishes (see logrows.py).
    rows: LogRows | None = None


def parse_payload(action: Action, raw: dict[str, Any] | BaseModel | None) -> BaseModel | None:
    if action.payload is None:
        if raw:
            extra = sorted(raw) if isinstance(raw, dict) else []
            if extra:
                raise validation_failed([{"loc": [k], "msg": "unexpected field", "type": "extra_forbidden"}
                                         for k in extra])
        return None
    if isinstance(raw, action.payload):
        return raw
    return parse(action.payload, raw or {})


def _dump(payload: BaseModel | None) -> dict[str, Any]:
    return payload.model_dump(mode="json", exclude_none=True) if payload is not None else {}


def create_case(ctx: Ctx, workflow: Workflow, case: Case, payload: BaseModel | dict | None = None,
                *, record: dict[str, Any] | None = None, prepare: Callable[[Step], None] | None = None) -> Step:
    """Insert a new case in the workflow's initial state, with its first event and timers.

    The caller fills store, customer, order, subject etc. on `case`; the engine sets number,
    status, version and times. `prepare` writes the type's detail rows once the case has
    an id, before the create action's guard, effect and timers run.
    """
    action = workflow.create
    parsed = parse_payload(action, payload)
    if not may_act(ctx.actor, action.roles, case.store_id, case.customer_id):
        raise forbidden(f"{workflow.type}.{action.name}", store_id=case.store_id)
    now = ctx.clock.now()
    case.type = workflow.type
    case.no = next_case_no(ctx)
    case.version = 1
    case.created_at = case.updated_at = now
    case.created_by_id = ctx.actor.user_id
    case.status = action.targets[0] or workflow.states[0].name
    ctx.session.add(case)
    ctx.session.flush()  # its id, for the type's detail rows
    timers.known_pending(ctx, case.id, [])  # a new case has none yet
    cache_of(ctx.session).put((_WRITTEN, case.id), [])  # nor events but those this unit queues
    step = Step(ctx, case, workflow, action, parsed, None, record=dict(record or {}), rows=LogRows(ctx.session))
    if prepare:
        prepare(step)
    _call(action.guard, step)
    chosen = _call(action.effect, step)
    if chosen:
        case.status = _checked_target(action, chosen) or case.status
    _finish(step, new_version=1)
    return step


def run_action(ctx: Ctx, case: Case, name: str, version: int, payload: dict | BaseModel | None = None) -> Step:
    workflow = workflow_for(case.type)
    action = workflow.action(name)
    if action is None:
        raise Invalid("unknown_action", en="{type} has no action {action}", zh="{type} 没有操作 {action}",
                      type=case.type, action=name, actions=[a.name for a in workflow.actions])
    parsed = parse_payload(action, payload)
    if not may_act(ctx.actor, action.roles, case.store_id, case.customer_id):
        raise forbidden(f"{case.type}.{name}", store_id=case.store_id, case=case.no)
    if case.version != version:
        raise version_conflict(case, version)
    if case.status not in action.sources:
        raise invalid_transition(workflow, case, action)
    # Effects queue their own rows (e.g. an outbox message) in turn with the action's others.
    step = Step(ctx, case, workflow, action, parsed, case.status, visibility=action.visibility,
                rows=LogRows(ctx.session))
    # Refusals come before the claim: a refused action writes nothing, whoever the caller is.
    if action.offered and not _call(action.offered, step):
        raise invalid_transition(workflow, case, action)
    _call(action.guard, step)
    _claim(ctx, case, version)
    chosen = _call(action.effect, step)
    # One declared target: that one. Several: the effect chooses; None means "stay" and is
    # only allowed where the declaration lists it.
    target = action.targets[0] if len(action.targets) == 1 else _checked_target(action, chosen)
    if target is not None:
        case.status = target
    _finish(step, new_version=version + 1)
    TRANSITIONS.labels(case.type, name).inc()
    return step


def _call(handler: Handler | None, step: Step) -> Any:
    """Run a guard, effect or `offered` test; registered workflows hold functions, never names."""
    if handler is None:
        return None
    if isinstance(handler, str):
        raise RuntimeError(f"{step.workflow.type}.{step.action.name}: {handler!r} is not bound")
    return handler(step)


def _claim(ctx: Ctx, case: Case, version: int) -> None:
    """Compare-and-swap on the version: of two concurrent actions only one gets the row."""
    claimed = ctx.session.connection().execute(_CLAIM, {"b_case": case.id, "seen": version, "next": version + 1,
                                                        "now": ctx.clock.now()})
    if claimed.rowcount != 1:
        raise version_conflict(case, version)
    # Keep the ORM copy in step without emitting another UPDATE for these columns.
    set_committed_value(case, "version", version + 1)
    set_committed_value(case, "updated_at", ctx.clock.now())


def _checked_target(action: Action, target: str | None) -> str | None:
    if target not in action.targets:
        raise RuntimeError(f"effect of {action.name} chose {target}, not one of {action.targets}")
    return target


def _finish(step: Step, *, new_version: int) -> None:
    ctx, case, workflow, action = step.ctx, step.case, step.workflow, step.action
    now = ctx.clock.now()
    moved = step.from_status != case.status
    state = workflow.state(case.status)
    rows = step.rows if step.rows is not None else LogRows(ctx.session)
    if moved:
        if step.from_status is not None:
            timers.cancel(ctx, case, tuple(t.kind for t in workflow.state(step.from_status).timers), rows)
        if state.terminal:
            timers.cancel(ctx, case, None, rows)
            case.closed_at = now
        elif step.from_status is not None and workflow.state(step.from_status).terminal:
            case.closed_at = None
        for spec in state.timers:
            timers.arm(ctx, case, spec, now + spec.duration(step), rows)
    if action.cancels_timers:
        timers.cancel(ctx, case, action.cancels_timers, rows)
    for spec in action.sets_timers:
        timers.arm(ctx, case, spec, now + spec.duration(step), rows)
    actor = ctx.actor
    event = event_row(
        store_id=case.store_id, case_id=case.id, seq=new_version, action=action.name,
        from_status=step.from_status, to_status=case.status, actor_id=actor.user_id, actor_name=actor.name,
        actor_role=actor.primary_role(case.store_id), at=now, visibility=step.visibility,
        payload={**_dump(step.payload), **step.record})
    rows.insert(_EVENTS, event)
    written = events_written(ctx.session, case.id)  # kept only for a case opened in this unit
    if written is not None:
        written.append(SimpleNamespace(**event))
    emit(ctx, CREATED if step.from_status is None else TRANSITIONED, transition_message(
        case_no=case.no, case_type=case.type, action=action.name, from_status=step.from_status,
        to_status=case.status, version=new_version, at=now.isoformat(), actor=actor.name,
    ), store_id=case.store_id, case=case, rows=rows)
    for observer in observers():  # e.g. service-level clocks, which watch every type's actions
        observer(step)
    ctx.session.flush()  # the case's new status and whatever the effect changed
    rows.write()


_CASES = table_of(Case)
_EVENTS = table_of(CaseEvent)
_WRITTEN = "events_written"
_CLAIM = (_CASES.update().where(_CASES.c.id == bindparam("b_case"), _CASES.c.version == bindparam("seen"))
          .values(version=bindparam("next"), updated_at=bindparam("now")))


def events_written(session: Any, case_id: int) -> list[Any] | None:
    """The events of a case created in this unit of work, in order, as the engine queued them
    (attributes as the `case_event` columns); None for any other case, whose events are read."""
    return cache_of(session).peek((_WRITTEN, case_id))


def available_actions(ctx: Ctx, case: Case) -> list[Action]:
    """The actions this caller may take on this case now — the same test the engine applies."""
    workflow = workflow_for(case.type)
    out = []
    for action in workflow.actions:
        if case.status not in action.sources or action.system_only:
            continue
        if not may_act(ctx.actor, action.roles, case.store_id, case.customer_id):
            continue
        if action.offered and not _call(action.offered, Step(ctx, case, workflow, action, None, case.status)):
            continue
        out.append(action)
    return out


def version_conflict(case: Case, expected: int) -> Conflict:
    return Conflict("version_conflict",
                    en="Case {case} has changed (version {current}, you sent {expected}); reload and retry",
                    zh="售后单 {case} 已被修改（当前版本 {current}，提交版本 {expected}），请刷新后重试",
                    case=case.no, expected=expected, current=case.version)


def invalid_transition(workflow: Workflow, case: Case, action: Action) -> Conflict:
    state = workflow.state(case.status)
    return Conflict("invalid_transition",
                    en="Cannot {action} a case that is {status_en}",
                    zh="售后单当前状态为「{status_zh}」，不能执行「{action_zh}」",
                    case=case.no, action=action.name, action_zh=action.zh, status=case.status,
                    status_zh=state.zh, status_en=state.en, allowed_from=sorted(action.sources))
