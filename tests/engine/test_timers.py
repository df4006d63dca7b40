"""Timers fire exactly once: with two workers at once, after a crash mid-batch, never when cancelled."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from shouhou.engine import bulk, sweep
from shouhou.engine.sweep import run_due
from shouhou.errors import Invalid
from shouhou.models import Case, CaseEvent, Timer
from tests.builders import impure_routes, workers_at_once

AUTO_CLOSE = timedelta(days=7)
ROOT = Path(__file__).resolve().parents[2]  # the crashing sweep imports tests.builders from here


@pytest.fixture(params=["set-based", "engine"])
def path(request, monkeypatch):
    """The sweep applies plain transitions with set-based statements, the rest one by one through the engine."""
    if request.param == "engine":
        monkeypatch.setattr(bulk, "_route", impure_routes(bulk._route))
    return request.param


def resolved_consultations(world, n: int) -> list[str]:
    """n consultations resolved at the frozen time, each with an auto_close timer due 7 days later."""
    world.store()
    world.user("agent1", "agent")
    numbers = [world.consultation("agent1", subject=f"问题 {i}") for i in range(n)]
    for no in numbers:
        world.move("agent1", no, "assign", "resolve")
    return numbers


def closes_per_case(world) -> Counter:
    with world.db.session() as s:
        return Counter(s.scalars(select(Case.no).join(CaseEvent, CaseEvent.case_id == Case.id)
                                 .where(CaseEvent.action == "close")))


def timer_states(world) -> Counter:
    with world.db.session() as s:
        return Counter(s.scalars(select(Timer.state)))


class TestTwoWorkers:
    def test_it_fires_each_timer_once_when_two_workers_sweep_at_once(self, world, settings, clock, path):
        # given 40 cases whose timers are all due
        numbers = resolved_consultations(world, 40)
        as_of = clock.now() + AUTO_CLOSE
        # when two workers, each with its own connections, sweep at the same moment in small batches
        results = workers_at_once(world.db.url, lambda db: run_due(db, settings, as_of, batch_size=5), timeout=60)
        # then every case was closed by exactly one of them
        assert sum(r.fired for r in results) == 40 and sum(r.failed + r.skipped for r in results) == 0
        assert closes_per_case(world) == Counter(dict.fromkeys(numbers, 1))
        assert timer_states(world) == Counter({"fired": 40})
        assert run_due(world.db, settings, as_of + timedelta(days=1)).total == 0


CRASHING_SWEEP = textwrap.dedent('''
    import os, sys
    from datetime import datetime
    from shouhou.app import load_all
    load_all()
    from shouhou.config import Settings
    from shouhou.db import Database
    from shouhou.engine import bulk, sweep

    url, as_of, path = sys.argv[1:4]
    calls = []
    if path == "set-based":
        move = bulk._move
        def crash_after_second_batch_moves(ctx, route, ids, now):
            move(ctx, route, ids, now)
            calls.append(1)
            if len(calls) == 2:
                os._exit(1)  # the second batch's cases moved, events written, not committed
        bulk._move = crash_after_second_batch_moves
    else:
        from tests.builders import impure_routes, workers_at_once
        fire = sweep.fire_claimed
        bulk._route = impure_routes(bulk._route)
        def crash_on_fourth_timer(ctx, timer):
            outcome = fire(ctx, timer)
            calls.append(outcome)
            if len(calls) == 4:
                os._exit(1)  # the first timer of the second batch fired, not committed
            return outcome
        sweep.fire_claimed = crash_on_fourth_timer
    sweep.run_due(Database(url), Settings(database_url=url), datetime.fromisoformat(as_of), batch_size=3)
    sys.exit(0)
''')


class TestCrashMidBatch:
    def test_it_loses_no_timer_and_fires_none_twice_after_a_crash(self, world, settings, clock, path):
        # given 7 cases with due timers
        numbers = resolved_consultations(world, 7)
        as_of = clock.now() + AUTO_CLOSE
        # when a worker process dies in the middle of its second batch of 3
        crashed = subprocess.run([sys.executable, "-c", CRASHING_SWEEP, world.db.url, as_of.isoformat(), path],
                                 capture_output=True, text=True, timeout=60, env={**os.environ}, cwd=ROOT)
        assert crashed.returncode == 1, crashed.stderr
        # then the first batch stands, the second left no trace
        assert sum(closes_per_case(world).values()) == 3
        assert timer_states(world) == Counter({"fired": 3, "pending": 4})
        # and a normal sweep fires the rest, each exactly once
        rest = run_due(world.db, settings, as_of)
        assert (rest.fired, rest.skipped, rest.failed) == (4, 0, 0)
        assert closes_per_case(world) == Counter(dict.fromkeys(numbers, 1))
        assert timer_states(world) == Counter({"fired": 7})
        for no in numbers:
            case = world.case(no)
            assert (case.status, case.version) == ("closed", 4)


class TestTimerOutcomes:
    def test_it_never_fires_a_cancelled_timer(self, world, settings, clock, path):
        # given two resolved cases, one reopened (which cancels its auto-close)
        kept, reopened = resolved_consultations(world, 2)
        world.move("agent1", reopened, "reopen")
        # when the sweep runs after both deadlines
        result = run_due(world.db, settings, clock.now() + AUTO_CLOSE * 2)
        # then only the other case closed
        assert (result.fired, result.skipped, result.failed) == (1, 0, 0)
        assert world.case(kept).status == "closed" and world.case(reopened).status == "open"
        assert [t.state for t in world.timers(reopened)] == ["cancelled"]

    def test_it_skips_a_timer_whose_action_no_longer_applies(self, world, settings, clock, path):
        # given a resolved case moved back to open without its timer being cancelled (a manual fix)
        (no,) = resolved_consultations(world, 1)
        with world.db.session() as s:
            s.execute(Case.__table__.update().where(Case.no == no).values(status="open"))
        # when the timer comes due
        result = run_due(world.db, settings, clock.now() + AUTO_CLOSE)
        # then it is marked skipped and the case is left alone
        assert (result.fired, result.skipped, result.failed) == (0, 1, 0)
        assert world.timers(no)[0].state == "skipped"
        assert world.case(no).status == "open" and world.history(no)[-1].action == "resolve"

    @pytest.mark.parametrize("failure", [Invalid("boom", en="refund gateway down", zh="退款网关不可用"),
                                         RuntimeError("refund gateway down")], ids=["domain", "unexpected"])
    def test_it_marks_a_failing_effect_failed_and_fires_the_rest(self, world, settings, clock, monkeypatch,
                                                                  failure):
        # given three due timers, the middle one's effect failing
        first, middle, last = resolved_consultations(world, 3)
        run_action = sweep.run_action
        monkeypatch.setattr(bulk, "_route", impure_routes(bulk._route))

        def failing_for_middle(ctx, case, *args, **kwargs):
            step = run_action(ctx, case, *args, **kwargs)
            if case.no == middle:
                raise failure  # after the engine wrote the transition: the savepoint must undo it
            return step

        monkeypatch.setattr(sweep, "run_action", failing_for_middle)
        # when the sweep runs them in one batch
        result = run_due(world.db, settings, clock.now() + AUTO_CLOSE)
        # then the failure is recorded, nothing of it stays, and the others fired
        assert (result.fired, result.skipped, result.failed) == (2, 0, 1)
        assert world.case(first).status == world.case(last).status == "closed"
        broken = world.case(middle)
        assert (broken.status, broken.version) == ("resolved", 3)
        assert [e.action for e in world.history(middle)] == ["create", "assign", "resolve"]
        timer = world.timers(middle)[0]
        assert timer.state == "failed" and "refund gateway down" in timer.result
        # and a failed timer is not retried forever by later sweeps
        assert run_due(world.db, settings, clock.now() + AUTO_CLOSE * 2).total == 0
