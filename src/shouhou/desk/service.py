"""The desk's use-cases other contexts may call, and what it adds to every case's document."""

from __future__ import annotations

from typing import Any

from shouhou.cases import service as cases
from shouhou.desk import conversation, outbound, sla
from shouhou.desk import repository as repo
from shouhou.engine.context import Ctx
from shouhou.models import Case


def case_part(ctx: Ctx, case: Case) -> dict[str, Any]:
    """`sla`, `followers`, `merged_into` and `team` on every case's document, whatever its type."""
    part = sla.sla_part(ctx, case)
    followers = repo.followers_of(ctx.session, case.id)
    desk = repo.case_desk(ctx.session, case.id)
    users = repo.users_named(ctx.session, [f.user_id for f in followers])
    merged = repo.case_by_id(ctx.session, desk.merged_into_id).no if desk and desk.merged_into_id else None
    team = None
    if desk is not None and desk.team_id is not None:
        team = next((t.code for t in repo.teams(ctx.session, case.store_id) if t.id == desk.team_id), None)
    part.update(followers=[users[f.user_id].username for f in followers if f.user_id in users],
                merged_into=merged, team=team)
    return part


def merge_into(ctx: Ctx, case: Case, into: str) -> str:
    """Merge a duplicate into the case numbered `into` (the effect of a `merge` action); the customer is
    told. Returns the survivor's number."""
    survivor = cases.get(ctx, into)
    conversation.merge_into(ctx, case, survivor)
    outbound.tell_customer(ctx, case, "merged", into=survivor.no)
    return survivor.no
