"""How the console shows a consultation's forms: hand it over by choosing from the team."""

from __future__ import annotations

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.models import Case
from shouhou.plugins import FieldOptions


def field_options(ctx: Ctx, case: Case) -> dict[str, FieldOptions]:
    people = tuple((name, shown if shown == name else f"{shown}（{name}）")
                   for name, shown in accounts.team(ctx, case.store_id, ("agent", "supervisor")))
    return {"transfer.assignee": FieldOptions(choices=people), "assign.assignee": FieldOptions(choices=people)}
