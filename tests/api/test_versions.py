"""Optimistic concurrency: a transition names the version it saw; of two, only one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from shouhou.engine.context import Ctx
from shouhou.engine.runner import run_action
from shouhou.errors import Conflict
from shouhou.models import Case, CaseEvent
from tests.builders import act, auth


def open_case(world) -> str:
    world.store()
    world.user("agent1", "agent")
    world.user("agent2", "agent")
    no = world.consultation("agent1")
    world.move("agent1", no, "assign")
    return no


class TestStaleVersion:
    def test_it_refuses_a_stale_version_and_changes_nothing(self, world, client):
        # given an open case at version 2
        no = open_case(world)
        # when a transition names version 1
        r = act(client, world.tokens["agent1"], no, "wait_on_customer", 1)
        # then it is refused with the versions in the details
        assert r.status_code == 409
        error = r.json()["error"]
        assert error["code"] == "version_conflict"
        assert error["details"] == {"case": no, "expected": 1, "current": 2}
        # and nothing changed
        case = world.case(no)
        assert (case.status, case.version) == ("open", 2)
        assert [e.action for e in world.history(no)] == ["create", "assign"]
        assert [t.state for t in world.timers(no)] == []

    def test_it_refuses_a_version_from_the_future(self, world, client):
        no = open_case(world)
        r = act(client, world.tokens["agent1"], no, "wait_on_customer", 3)
        assert r.status_code == 409 and r.json()["error"]["code"] == "version_conflict"
        assert world.case(no).version == 2


class TestConcurrentTransitions:
    def test_it_lets_exactly_one_of_two_simultaneous_requests_win(self, world, client):
        # given an open case at version 2 and two agents acting on what they both saw
        no = open_case(world)
        start = threading.Barrier(2)

        def attempt(name: str, action: str):
            start.wait()
            return act(client, world.tokens[name], no, action, 2)

        # when both post at the same moment
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(attempt, ["agent1", "agent2"], ["wait_on_customer", "resolve"]))
        # then one answer is 200 and the other 409, and the case moved once
        assert sorted(r.status_code for r in results) == [200, 409]
        loser = next(r for r in results if r.status_code == 409)
        assert loser.json()["error"]["code"] == "version_conflict"
        winner = next(r for r in results if r.status_code == 200).json()
        case = world.case(no)
        assert (case.version, case.status) == (3, winner["status"])
        assert [e.seq for e in world.history(no)] == [1, 2, 3]

    def test_it_makes_the_second_writer_fail_even_after_it_read_the_same_version(self, world, settings, clock):
        # given two units of work that both loaded the case at version 2
        no = open_case(world)
        first_moved, second_read = threading.Event(), threading.Event()
        outcome: dict[str, object] = {}
        agent1, agent2 = world.actor("agent1"), world.actor("agent2")

        def first() -> None:
            with world.db.session() as s:
                case = s.scalars(select(Case).where(Case.no == no)).one()
                ctx = Ctx(session=s, actor=agent1, clock=clock, settings=settings)
                run_action(ctx, case, "wait_on_customer", 2, {})
                first_moved.set()
                second_read.wait(0.5)  # SQLite: the second cannot read until this commits
            outcome["first"] = "committed"

        def second() -> None:
            first_moved.wait(10)
            try:
                with world.db.session() as s:
                    case = s.scalars(select(Case).where(Case.no == no)).one()
                    second_read.set()
                    ctx = Ctx(session=s, actor=agent2, clock=clock, settings=settings)
                    run_action(ctx, case, "resolve", 2, {})
                outcome["second"] = "committed"
            except Conflict as exc:
                outcome["second"] = exc.code

        # when the second takes its action while the first has not committed yet
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # then only the first transition happened
        assert outcome == {"first": "committed", "second": "version_conflict"}
        case = world.case(no)
        assert (case.status, case.version) == ("pending", 3)
        with world.db.session() as s:
            actions = s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.seq)).all()
        assert actions == ["create", "assign", "wait_on_customer"]

    def test_it_answers_the_loser_in_the_callers_language(self, world, client):
        no = open_case(world)
        act(client, world.tokens["agent1"], no, "wait_on_customer", 2)
        r = client.post(f"/api/v1/cases/{no}/transitions", json={"action": "resolve", "version": 2},
                        headers=auth(world.tokens["agent2"], lang="zh-CN"))
        assert r.status_code == 409 and "已被修改" in r.json()["error"]["message"]
