"""The set-based sweep (engine/bulk.py) writes exactly what the engine writes, generated from
the declarations: for every workflow, every timer action the sweep applies as plain data and
every state it may fire in, two identical cases are put in that state; a due timer of one is
fired by the set-based path, of the other through the engine, at the same instant, and the
case rows, the events, the outbox messages and the timers they leave are compared.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from shouhou.engine import bulk
from shouhou.engine.registry import all_workflows
from shouhou.engine.sweep import run_due
from shouhou.models import Case, CaseEvent, OutboxMessage, Timer
from tests.builders import impure_routes
from tests.engine.factories import CASE_FACTORIES
from tests.engine.test_generated import callers


def pure_timer_moves() -> list[tuple[str, str, str]]:
    """(type, action, source state) of every timer action the sweep moves as plain data."""
    out = set()
    for wf in all_workflows():
        fired = {t.action for s in wf.states for t in s.timers}
        fired |= {t.action for a in (wf.create, *wf.actions) for t in a.sets_timers}
        for name in fired:
            action = wf.action(name)
            if action is not None and bulk.is_pure(wf, action):
                out |= {(wf.type, name, source) for source in action.sources}
    return sorted(out)


MOVES = pure_timer_moves()


def test_there_are_pure_timer_moves_to_compare():
    assert MOVES, "no workflow declares a timer the sweep applies as plain data"


def _arm(world, case_id: int, action: str) -> None:
    with world.db.session() as s:
        case = s.get_one(Case, case_id)
        s.add(Timer(store_id=case.store_id, case_id=case.id, kind="compared", action=action,
                    due_at=world.clock.now(), state="pending", created_at=world.clock.now(), payload={}))


def _left_behind(world, case_id: int, since_seq: int) -> dict[str, Any]:
    """What firing left on the case, with the case's own number and ids taken out."""
    with world.db.session() as s:
        case = s.get_one(Case, case_id)
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.seq > since_seq)
                           .order_by(CaseEvent.seq))
        outbox = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)
                           .order_by(OutboxMessage.id))
        timers = s.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.kind, Timer.due_at))
        return {
            "case": (case.status, case.version, case.closed_at, case.updated_at),
            "events": [(e.seq, e.action, e.from_status, e.to_status, e.actor_id, e.actor_name, e.actor_role, e.at,
                        e.visibility, e.payload) for e in events],
            "outbox": [(m.topic, {**m.payload, "case": "…"} if "case" in m.payload else m.payload, m.created_at)
                       for m in outbox][-1:],
            "timers": [(t.kind, t.action, t.state, t.due_at, t.fired_at, t.payload) for t in timers],
        }


@pytest.mark.parametrize(("case_type", "action", "source"), MOVES, ids=["-".join(m) for m in MOVES])
def test_the_sweep_and_the_engine_leave_the_same_rows(world, settings, monkeypatch, case_type, action, source):
    callers(world)  # the stores, users and buyers the factories use
    by_sweep = CASE_FACTORIES[case_type](world, source)
    by_engine = CASE_FACTORIES[case_type](world, source)
    seq = world.case(by_sweep.no).version
    assert world.case(by_engine.no).version == seq
    at = world.clock.now()

    _arm(world, by_sweep.id, action)
    swept = run_due(world.db, settings, at)
    assert (swept.fired, swept.failed) == (1, 0)

    _arm(world, by_engine.id, action)
    monkeypatch.setattr(bulk, "_route", impure_routes(bulk._route))
    through_engine = run_due(world.db, settings, at)
    assert (through_engine.fired, through_engine.failed) == (1, 0)

    assert _left_behind(world, by_sweep.id, seq) == _left_behind(world, by_engine.id, seq)
