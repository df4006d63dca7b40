"""Who may hear of a refund: the refund callback says nothing about one the caller could
not report on (not even whether it exists) before checking."""

from __future__ import annotations

from shouhou.engine.context import Ctx
from shouhou.engine.permissions import may_act
from shouhou.errors import not_found
from shouhou.models import Case, Refund
from shouhou.returns.workflow import WORKFLOWS


def require_reporter(ctx: Ctx, refund_id: int) -> None:
    """404 refund_not_found unless the caller may confirm or fail this refund."""
    refund = ctx.session.get(Refund, refund_id)
    case = ctx.session.get(Case, refund.case_id) if refund is not None else None
    workflow = WORKFLOWS.get(case.type) if case is not None else None
    action = workflow.action("confirm_refund") if workflow is not None else None
    if case is None or action is None or not may_act(ctx.actor, action.roles, case.store_id, case.customer_id):
        raise not_found("refund", refund_id)
