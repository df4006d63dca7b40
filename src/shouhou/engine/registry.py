"""Every declared workflow, by case type."""

from __future__ import annotations

from shouhou.engine.workflow import Workflow
from shouhou.errors import Invalid

_WORKFLOWS: dict[str, Workflow] = {}


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
