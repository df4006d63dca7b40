"""Every declared workflow, by case type; and who else watches the engine's transitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from shouhou.engine.workflow import Workflow
from shouhou.errors import Invalid

if TYPE_CHECKING:
    from shouhou.engine.runner import Step

_WORKFLOWS: dict[str, Workflow] = {}
_OBSERVERS: list[Callable[[Step], None]] = []


def register(workflow: Workflow) -> Workflow:
    unbound = workflow.unbound()
    if unbound:
        raise ValueError(f"{workflow.type}: bind its handlers before registering it: {', '.join(unbound)}")
    _WORKFLOWS[workflow.type] = workflow
    return workflow


def workflow_for(case_type: str) -> Workflow:
    try:
        return _WORKFLOWS[case_type]
    except KeyError:
        raise Invalid("unknown_case_type", en="Unknown case type {type}", zh="未知的售后类型 {type}",
                      type=case_type, known=sorted(_WORKFLOWS)) from None


def all_workflows() -> list[Workflow]:
    return list(_WORKFLOWS.values())


def observe(observer: Callable[[Step], None]) -> None:
    """Have `observer(step)` called for every case created or moved through the engine, in its
    transaction, once the action's event is queued (it may queue rows of its own on `step.rows`).

    The set-based timer sweep (bulk.py) moves cases without the engine and calls no observer:
    derive what must hold for every transition from the event log, which both paths write alike."""
    if observer not in _OBSERVERS:
        _OBSERVERS.append(observer)


def observers() -> tuple[Callable[[Step], None], ...]:
    return tuple(_OBSERVERS)
