"""Tests generated from the workflow declarations: every action × every state × every caller.

For each declared (type, state) a case is put in that state (tests/engine/factories.py), then
every action is taken through the engine by every kind of caller, each attempt in its own
database session that is rolled back afterwards, so every attempt starts from the same case.
Each attempt must end as the declaration says:

* allowed — the status becomes a declared target, the version goes up by one, one event
  (from, to, action, actor) and one `case.transitioned` outbox row are written (an effect may
  add messages of its own topics), the timers of the state left are
  cancelled and those of the state entered armed;
* refused with `forbidden` — the caller's role may not take the action (a `customer` only on
  their own case; an `integration` acts for its own store's buyers);
* refused with `invalid_transition` — the state is not a source of the action, or the action
  is not offered in the case's present circumstances;

and a refusal changes nothing: no statement that writes is even sent. `available_actions`
must list exactly what the engine allows (actions only the system may take are never offered).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from shouhou.engine.actor import SYSTEM, Actor
from shouhou.engine.context import Ctx
from shouhou.engine.registry import all_workflows
from shouhou.engine.runner import Step, available_actions, run_action
from shouhou.engine.workflow import Action, Workflow
from shouhou.errors import ShouhouError
from shouhou.models import ROLES, Case, CaseEvent, OutboxMessage, Timer, User
from tests.engine.factories import CASE_FACTORIES, SAMPLES, Sample

WORKFLOWS = sorted(all_workflows(), key=lambda w: w.type)
WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Caller:
    label: str
    actor: Actor
    role: str | None  # the role the event records; None for callers that may never act here

    def permitted(self, action: Action) -> bool:
        """The declaration's answer, worked out independently of the engine."""
        if self.role is None:
            return False
        if self.role == "customer":
            return "customer" in action.roles
        if self.role == "integration":
            return bool(action.roles & {"integration", "customer"})
        return self.role in action.roles


def callers(world) -> list[Caller]:
    """Every role in store S1 (platform and admin everywhere), the case's own buyer, and outsiders."""
    world.store("S1", return_contact="售后仓", return_phone="021-1", return_address="上海仓")
    world.store("S2", "别的店铺")
    world.staff("S1")
    world.user("buyer", "customer", "S1", customer="u1001")
    world.user("other-buyer", "customer", "S1", customer="u1002")
    world.user("shop-S2", "integration", "S2")
    world.user("agent-S2", "agent", "S2")
    with world.db.session() as s:  # a signed-in user who holds no role anywhere
        s.add(User(username="nobody", display_name="nobody", created_at=world.clock.now()))
    out = [Caller(role, world.actor("buyer" if role == "customer" else f"{role}-S1"), role) for role in ROLES]
    out += [Caller("another customer", world.actor("other-buyer"), None),
            Caller("integration of another store", world.actor("shop-S2"), None),
            Caller("agent of another store", world.actor("agent-S2"), None),
            Caller("user without grants", world.actor("nobody"), None),
            Caller("anonymous", Actor(user_id=None, name="anonymous"), None),
            Caller("system", SYSTEM, "system")]
    return out


@contextmanager
def attempt_session(world) -> Iterator[Session]:
    """One attempt, one session; rolled back so the next attempt sees the same case."""
    session = world.db.new_session()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def recording_writes(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def _before(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement.split("\n")[0][:80])

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _before)


ENGINE_TOPICS = ("case.created", "case.transitioned")


def footprint(session: Session, case_id: int) -> tuple[Any, ...]:
    """Everything a transition touches, read back from the database in one query."""
    events = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id).scalar_subquery()
    # The engine's own messages; an effect may add messages of other topics (order.receipt_extension).
    outbox = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.case_id == case_id,
                                                                   OutboxMessage.topic.in_(ENGINE_TOPICS))
    timers = select(func.count()).select_from(Timer).where(Timer.case_id == case_id)
    pending = timers.where(Timer.state == "pending")
    row = session.execute(select(Case.status, Case.version, Case.closed_at, events, outbox.scalar_subquery(),
                                 timers.scalar_subquery(), pending.scalar_subquery())
                          .where(Case.id == case_id)).one()
    return tuple(row)


def offered(ctx: Ctx, case: Case, workflow: Workflow, action: Action) -> bool:
    return action.offered is None or action.offered(Step(ctx, case, workflow, action, None, case.status))


class TestDeclarations:
    def test_it_has_a_factory_for_every_declared_type(self):
        missing = sorted({w.type for w in WORKFLOWS} - set(CASE_FACTORIES))
        assert not missing, f"add a factory to tests/engine/factories.py for {missing}"

    @pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.type)
    def test_it_has_a_sample_payload_for_every_action(self, workflow):
        missing = sorted(a.name for a in workflow.actions if a.name not in SAMPLES.get(workflow.type, {}))
        assert not missing, f"{workflow.type}: add sample payloads to tests/engine/factories.py for {missing}"

    @pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.type)
    def test_it_has_a_way_out_of_every_open_state(self, workflow):
        stuck = [s.name for s in workflow.states if not s.terminal and not any(
            s.name in a.sources and any(t not in (None, s.name) for t in a.targets) for a in workflow.actions)]
        assert stuck == []

    @pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.type)
    def test_it_reaches_every_state_from_the_initial_one(self, workflow):
        seen = {t for t in workflow.create.targets if t}
        todo = deque(seen)
        while todo:
            here = todo.popleft()
            for a in workflow.actions:
                for t in a.targets:
                    if here in a.sources and t and t not in seen:
                        seen.add(t)
                        todo.append(t)
        assert sorted(set(workflow.state_names) - seen) == []

    @pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.type)
    def test_it_fires_each_timer_through_an_action_the_system_may_take_from_its_state(self, workflow):
        for state in workflow.states:
            assert not (state.terminal and state.timers), f"terminal {state.name} arms timers"
            for spec in state.timers:
                action = workflow.action(spec.action)
                assert action is not None, f"{state.name}.{spec.kind} fires unknown {spec.action}"
                assert "system" in action.roles, f"{state.name}.{spec.kind}: system may not {action.name}"
                assert state.name in action.sources, f"{state.name}.{spec.kind}: {action.name} never applies"
                assert spec.zh and spec.en

    @pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.type)
    def test_it_names_every_state_and_action_in_both_languages(self, workflow):
        for item in (*workflow.states, workflow.create, *workflow.actions):
            assert item.zh and item.en, item.name
        assert all(a.roles for a in workflow.actions)
        assert any(s.terminal for s in workflow.states)


class TestEveryActionFromEveryState:
    @pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.type)
    def test_it_allows_or_refuses_each_action_as_declared(self, world, workflow):
        # given every kind of caller
        who = callers(world)
        failures: list[str] = []
        for status in workflow.state_names:
            # and a case of this type in this state
            case_id = CASE_FACTORIES[workflow.type](world, status).id
            # when each caller takes each action on it
            failures += self.every_attempt(world, workflow, who, case_id, status)
        # then nothing disagreed with the declaration
        assert not failures, f"{len(failures)} disagreement(s):\n" + "\n".join(failures[:40])

    def every_attempt(self, world, workflow: Workflow, who: list[Caller], case_id: int,
                      status: str) -> list[str]:
        """Every caller × every action: on the plain case, then with the facts an `offered` test looks for."""
        samples = SAMPLES[workflow.type]
        failures: list[str] = []
        buttons: dict[str, set[str]] = {}  # caller → available_actions on the plain case
        with attempt_session(world) as s:
            baseline = footprint(s, case_id)
        for action in workflow.actions:
            sample = samples.get(action.name)
            if sample is None:
                pytest.fail(f"{workflow.type}.{action.name} has no sample payload in tests/engine/factories.py")
            variants = [Sample(sample.payload)]
            if sample.prepare and status in action.sources:
                variants.append(sample)
            for variant in variants:
                for caller in who:
                    failures += self.attempt(world, workflow, action, variant, caller, case_id, status, baseline,
                                             buttons)
        return failures

    def attempt(self, world, workflow: Workflow, action: Action, sample: Sample, caller: Caller,
                case_id: int, status: str, baseline: tuple[Any, ...], buttons: dict[str, set[str]]) -> list[str]:
        where = f"{workflow.type}:{status} --{action.name}{'*' if sample.prepare else ''}--> by {caller.label}"
        with attempt_session(world) as s:
            case = s.get_one(Case, case_id)
            before = baseline
            if sample.prepare:
                sample.prepare(s, case)
                s.flush()
                before = footprint(s, case_id)
            pending_before = {t.id: t.kind for t in s.scalars(select(Timer).where(
                Timer.case_id == case_id, Timer.state == "pending"))}
            ctx = Ctx(session=s, actor=caller.actor, clock=world.clock, settings=world.settings, lang="en")
            expected = ("forbidden" if not caller.permitted(action)
                        else "invalid_transition" if status not in action.sources
                        or not offered(ctx, case, workflow, action) else "allowed")
            if sample.prepare:
                listed = action.name in {a.name for a in available_actions(ctx, case)}
            else:
                if caller.label not in buttons:
                    buttons[caller.label] = {a.name for a in available_actions(ctx, case)}
                listed = action.name in buttons[caller.label]
            with recording_writes(world.db.engine) as writes:
                try:
                    run_action(ctx, case, action.name, before[1], sample.payload)
                    outcome = "allowed"
                except ShouhouError as exc:
                    outcome = exc.code
                    s.flush()  # anything the refused action left in the session is written now, and seen
            if outcome != expected:
                return [f"{where}: expected {expected}, got {outcome}"]
            if listed != (outcome == "allowed" and not action.system_only):
                return [f"{where}: {outcome}, but available_actions {'lists' if listed else 'omits'} it"]
            if outcome != "allowed":
                after = footprint(s, case_id)
                problems = [f"wrote {writes}"] if writes else []
                problems += [f"changed {before} → {after}"] if after != before else []
                return [f"{where}: refused but {p}" for p in problems]
            return [f"{where}: {p}" for p in self.check_transition(s, workflow, action, caller, case_id, status,
                                                                    before, pending_before, world.clock.now())]

    def check_transition(self, s: Session, workflow: Workflow, action: Action, caller: Caller, case_id: int,
                         status: str, before: tuple[Any, ...], pending_before: dict[int, str], now) -> list[str]:
        problems = []
        s.expire_all()  # the engine writes some rows with set-based UPDATEs; read what the database holds
        new_status, version, closed_at, n_events, n_outbox, _, _ = footprint(s, case_id)
        if new_status not in {t or status for t in action.targets}:
            problems.append(f"status {new_status} is not a declared target {action.targets}")
        if version != before[1] + 1:
            problems.append(f"version {before[1]} → {version}")
        if (n_events, n_outbox) != (before[3] + 1, before[4] + 1):
            problems.append(f"events {before[3]}→{n_events}, outbox {before[4]}→{n_outbox}")
        ev = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq.desc())).first()
        got = (ev.seq, ev.action, ev.from_status, ev.to_status, ev.actor_name, ev.actor_role, ev.actor_id, ev.at)
        want = (version, action.name, status, new_status, caller.actor.name, caller.role, caller.actor.user_id, now)
        if got != want:
            problems.append(f"event {got} != {want}")
        msg = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id,
                                                    OutboxMessage.topic.in_(ENGINE_TOPICS))
                        .order_by(OutboxMessage.id.desc())).first()
        if (msg.topic, msg.payload.get("from"), msg.payload.get("to"), msg.payload.get("action"),
                msg.payload.get("version")) != ("case.transitioned", status, new_status, action.name, version):
            problems.append(f"outbox {msg.topic} {msg.payload}")
        entered = workflow.state(new_status)
        if entered.terminal != (closed_at is not None):
            problems.append(f"closed_at {closed_at} in {new_status}")
        timers = {t.id: t for t in s.scalars(select(Timer).where(Timer.case_id == case_id))}
        pending = sorted(t.kind for t in timers.values() if t.state == "pending")
        armed = [spec.kind for spec in action.sets_timers]
        if new_status != status:
            left = {spec.kind for spec in workflow.state(status).timers}
            still = [kind for tid, kind in pending_before.items() if kind in left and timers[tid].state != "cancelled"]
            if still:
                problems.append(f"timers of {status} not cancelled: {still}")
            want_pending = [] if entered.terminal else sorted(
                [spec.kind for spec in entered.timers] + armed
                + [k for tid, k in pending_before.items() if k not in left])
        else:
            want_pending = sorted([k for k in pending_before.values() if k not in action.cancels_timers] + armed)
        if pending != want_pending:
            problems.append(f"pending timers {pending}, expected {want_pending}")
        if any(t.due_at <= now for t in timers.values() if t.state == "pending" and t.id not in pending_before):
            problems.append("a timer was armed already due")
        return problems
