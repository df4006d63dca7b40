"""What the desk does beside every transition the engine makes, whatever the case type: a new case
gets its clocks (and a team, and a place in the search index); a moved one has its clocks looked at
again by the sweep; a transfer keeps the first owner as a follower; words to or from the customer
join the case's conversation."""

from __future__ import annotations

from sqlalchemy import bindparam, update

from shouhou.db.base import table_of
from shouhou.desk import conversation, notify, routing, sla
from shouhou.desk import repository as repo
from shouhou.engine.runner import Step
from shouhou.models.desk import SlaClock

_CLOCKS = table_of(SlaClock)
_TOUCH = update(_CLOCKS).where(_CLOCKS.c.case_id == bindparam("b_case")).values(check_at=bindparam("now"))


def on_step(step: Step) -> None:
    ctx, case, rows = step.ctx, step.case, step.rows
    assert rows is not None  # the engine always gives one
    now = ctx.clock.now()
    if step.from_status is None:
        repo.new_case(ctx.session, case.id)
        for row in sla.initial_rows(ctx, case, now):
            rows.insert(_CLOCKS, row)
        routing.route_new(ctx, case)
        conversation.index_case(ctx, case)
    else:
        rows.execute(_TOUCH, {"b_case": case.id, "now": now})
    if "assignee_id" in step.record and case.first_owner_id and case.first_owner_id != case.assignee_id:
        notify.follow(ctx, case, case.first_owner_id, "first_owner")  # 首问负责制: follows it to the end
    conversation.record(step)
