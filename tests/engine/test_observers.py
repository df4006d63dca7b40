"""Contexts that watch every case (service levels, say) see each transition the engine makes,
in its transaction: a plugin's observers and case-document fields."""

from __future__ import annotations

import pytest

from shouhou.engine import registry
from shouhou.engine.runner import Step
from shouhou.models import Case


@pytest.fixture
def watching(monkeypatch):
    seen: list[tuple[str, str | None, str, str]] = []

    def observer(step: Step) -> None:
        seen.append((step.action.name, step.from_status, step.case.status, step.ctx.actor.name))

    monkeypatch.setattr(registry, "_OBSERVERS", [observer])
    return seen


def test_an_observer_sees_every_transition_the_engine_makes(world, watching):
    world.store()
    world.user("agent1", "agent")
    no = world.consultation("agent1")
    world.move("agent1", no, "assign", ("resolve", {"resolution": "已解答"}))
    assert watching == [("create", None, "new", "agent1"), ("assign", "new", "open", "agent1"),
                        ("resolve", "open", "resolved", "agent1")]


def test_an_observer_that_fails_refuses_the_action_and_nothing_is_written(world, monkeypatch):
    world.store()
    world.user("agent1", "agent")
    no = world.consultation("agent1")

    def failing(step: Step) -> None:
        raise RuntimeError("clock broken")

    monkeypatch.setattr(registry, "_OBSERVERS", [failing])
    with pytest.raises(RuntimeError):
        world.move("agent1", no, "assign")
    assert world.case(no).status == "new" and world.count(Case) == 1
    assert [e.action for e in world.history(no)] == ["create"]


def test_waiting_states_are_declared_on_the_workflows():
    waits = {(wf.type, s.name): s.waits_on for wf in registry.all_workflows() for s in wf.states if s.waits_on}
    assert waits[("consultation", "pending")] == "customer"
    assert waits[("return_refund", "awaiting_return")] == "customer"
    assert waits[("return_refund", "awaiting_receipt")] == "third_party"
    assert all(v in ("customer", "third_party") for v in waits.values())
