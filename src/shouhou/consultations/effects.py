"""The effects the consultation workflow names (bound by plugin.py)."""

from __future__ import annotations

from shouhou.accounts.service import find_staff
from shouhou.consultations.workflow import STAFF
from shouhou.desk import service as desk
from shouhou.engine.runner import Step


def assign(step: Step) -> None:
    """受理 / 转派: to the named agent, or to whoever takes it; the first owner stays (首问负责制)."""
    ctx, case = step.ctx, step.case
    name = step.payload.assignee if step.payload else None
    if name:
        case.assignee_id = find_staff(ctx, name, case.store_id, STAFF).id
    else:
        case.assignee_id = ctx.actor.user_id
    if case.first_owner_id is None:
        case.first_owner_id = case.assignee_id
    step.record["assignee_id"] = case.assignee_id


def merge(step: Step) -> None:
    """合并: a duplicate moves its messages to the surviving case and points to it; the customer is told."""
    into = step.payload.into
    step.record["merged_into"] = desk.merge_into(step.ctx, step.case, into)
