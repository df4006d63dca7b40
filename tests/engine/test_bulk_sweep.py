"""The batched timer sweep must do exactly what the engine would do, once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from shouhou.cases import service as cases
from shouhou.engine.sweep import run_due
from shouhou.models import Case, CaseEvent, OutboxMessage, Timer


def _resolved_consultations(world, n: int) -> list[str]:
    world.store()
    world.user("agent", "agent", "S1")
    agent = world.actor("agent")
    numbers = []
    with world.ctx(agent) as ctx:
        for i in range(n):
            case = cases.create(ctx, {"type": "consultation", "store": "S1", "subject": f"问题 {i}"})
            for action in ("assign", "resolve"):
                cases.transition(ctx, case.no, action, case.version, {})
            numbers.append(case.no)
    return numbers


def _state(world, no: str) -> tuple[Case, list[CaseEvent], list[Timer], int]:
    with world.db.session() as s:
        case = s.scalars(select(Case).where(Case.no == no)).one()
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)))
        timers = list(s.scalars(select(Timer).where(Timer.case_id == case.id).order_by(Timer.id)))
        outbox = list(s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)
                                .order_by(OutboxMessage.id)))
        return case, events, timers, outbox


class TestBulkSweep:
    def test_it_closes_each_resolved_case_once(self, world, settings, clock):
        numbers = _resolved_consultations(world, 7)
        clock.advance(days=7, seconds=1)
        result = run_due(world.db, settings, clock.now(), batch_size=3)
        assert (result.fired, result.skipped, result.failed) == (7, 0, 0)
        assert result.batches == 3
        for no in numbers:
            case, events, timers, outbox = _state(world, no)
            assert case.status == "closed" and case.version == 4 and case.closed_at == clock.now()
            assert [e.action for e in events] == ["create", "assign", "resolve", "close"]
            close = events[-1]
            assert (close.from_status, close.to_status, close.seq, close.actor_name, close.actor_role) == (
                "resolved", "closed", 4, "system", "system")
            assert [t.state for t in timers] == ["fired"]
            assert len(outbox) == 4
            assert outbox[-1].topic == "case.transitioned" and outbox[-1].payload == {
                "case": no, "type": "consultation", "action": "close", "from": "resolved", "to": "closed",
                "version": 4, "at": clock.now().isoformat(), "actor": "system"}
        again = run_due(world.db, settings, clock.now() + timedelta(days=30))
        assert again.total == 0

    def test_it_matches_the_engine_path(self, world, settings, clock):
        bulk_no, engine_no = _resolved_consultations(world, 2)
        clock.advance(days=8)
        with world.db.session() as s:  # fire one through the engine directly
            from shouhou.engine.actor import SYSTEM
            from shouhou.engine.context import Ctx
            from shouhou.engine.runner import run_action

            ctx = Ctx(session=s, actor=SYSTEM, clock=clock, settings=settings)
            case = s.scalars(select(Case).where(Case.no == engine_no)).one()
            run_action(ctx, case, "close", case.version, {})
        run_due(world.db, settings, clock.now())
        a_case, a_events, a_timers, a_out = _state(world, bulk_no)
        b_case, b_events, b_timers, b_out = _state(world, engine_no)
        assert (a_case.status, a_case.version, a_case.closed_at) == (b_case.status, b_case.version, b_case.closed_at)
        fields = ("seq", "action", "from_status", "to_status", "actor_id", "actor_name", "actor_role", "at",
                  "visibility", "payload")
        assert [tuple(getattr(e, f) for f in fields) for e in a_events[-1:]] == [
            tuple(getattr(e, f) for f in fields) for e in b_events[-1:]]
        assert [t.state for t in a_timers] == ["fired"] and [t.state for t in b_timers] == ["cancelled"]
        # the same message, but for the case number
        assert len(a_out) == len(b_out)
        assert (a_out[-1].topic, {**a_out[-1].payload, "case": None}) == (
            b_out[-1].topic, {**b_out[-1].payload, "case": None})
        assert a_out[-1].payload["case"] == bulk_no

    def test_it_skips_a_timer_whose_action_no_longer_applies(self, world, settings, clock):
        (no,) = _resolved_consultations(world, 1)
        with world.db.session() as s:  # moved on without cancelling (e.g. an old bug or a manual fix)
            s.execute(text("UPDATE cases SET status = 'open' WHERE no = :no"), {"no": no})
        clock.advance(days=8)
        result = run_due(world.db, settings, clock.now())
        assert (result.fired, result.skipped) == (0, 1)
        case, events, timers, _ = _state(world, no)
        assert case.status == "open" and timers[0].state == "skipped" and events[-1].action == "resolve"

    def test_it_leaves_a_case_another_transaction_holds(self, world, settings, clock, backend):
        if backend != "postgresql":
            pytest.skip("row locks: SQLite serialises writers instead")
        (no,) = _resolved_consultations(world, 1)
        clock.advance(days=8)
        locked, release = threading.Event(), threading.Event()

        def hold_the_case() -> None:
            with world.db.engine.connect() as conn:
                conn.execute(text("SELECT id FROM cases WHERE no = :no FOR UPDATE"), {"no": no})
                locked.set()
                release.wait(10)
                conn.rollback()

        holder = threading.Thread(target=hold_the_case)
        holder.start()
        locked.wait(10)
        try:
            busy = run_due(world.db, settings, clock.now())
        finally:
            release.set()
            holder.join()
        assert (busy.fired, busy.released) == (0, 1)
        assert _state(world, no)[2][0].state == "pending"
        assert run_due(world.db, settings, clock.now()).fired == 1
        assert _state(world, no)[0].status == "closed"


@pytest.fixture
def closed_is_not_terminal(monkeypatch):
    """A variant of the consultation workflow in which `close` (fired by a timer) enters a state
    that is not terminal and arms a deadline of its own, and `resolved` holds a second timer kind:
    the set-based path must then cancel the left state's timers and arm the entered state's."""
    from dataclasses import replace

    from shouhou.engine import bulk, registry
    from shouhou.engine.workflow import TimerSpec

    def variant(state):
        if state.name == "resolved":
            return replace(state, timers=(*state.timers, TimerSpec("remind", "close", timedelta(days=30), "提醒",
                                                                   "reminds")))
        if state.name == "closed":
            return replace(state, terminal=False, timers=(
                TimerSpec("reopen_window", "reopen", timedelta(days=3), "可重开", "may reopen"),))
        return state

    bound = registry.workflow_for("consultation")
    monkeypatch.setitem(registry._WORKFLOWS, "consultation",
                        replace(bound, states=tuple(variant(s) for s in bound.states)))
    caches = (bulk._state, bulk._route)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()


@pytest.mark.parametrize("path", ["set-based", "engine"])
def test_it_cancels_the_left_states_timers_and_arms_the_entered_states(world, settings, clock, monkeypatch,
                                                                      closed_is_not_terminal, path):
    from shouhou.engine import bulk

    if path == "engine":
        from tests.builders import impure_routes

        monkeypatch.setattr(bulk, "_route", impure_routes(bulk._route))
    (no,) = _resolved_consultations(world, 1)
    with world.db.session() as s:  # a timer of another kind, which leaving `resolved` must not touch
        case = s.scalars(select(Case).where(Case.no == no)).one()
        s.add(Timer(store_id=case.store_id, case_id=case.id, kind="survey", action="note", state="pending",
                    due_at=clock.now() + timedelta(days=60), created_at=clock.now(), payload={}))
    clock.advance(days=7, seconds=1)
    result = run_due(world.db, settings, clock.now())
    assert (result.fired, result.skipped, result.failed) == (1, 0, 0)
    case, events, timers, outbox = _state(world, no)
    assert (case.status, case.version, case.closed_at) == ("closed", 4, None)
    assert (events[-1].action, events[-1].from_status, events[-1].to_status) == ("close", "resolved", "closed")
    assert {(t.kind, t.state) for t in timers} == {
        ("auto_close", "fired"), ("remind", "cancelled"), ("survey", "pending"), ("reopen_window", "pending")}
    armed = next(t for t in timers if t.kind == "reopen_window")
    assert (armed.action, armed.due_at, armed.store_id) == ("reopen", clock.now() + timedelta(days=3), case.store_id)
    assert outbox[-1].payload["to"] == "closed" and len(outbox) == 4
