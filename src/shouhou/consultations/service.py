"""Use-cases of consultations (咨询): opening one; the rest is the workflow's."""

from __future__ import annotations

from typing import Any

from shouhou.consultations.schemas import ConsultationIn
from shouhou.consultations.workflow import WORKFLOW
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import create_case
from shouhou.models import Case
from shouhou.orders.service import resolve_parties


def create(ctx: Ctx, body: ConsultationIn) -> Case:
    store, order, customer = resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                             customer_external_id=body.customer)
    case = Case(store_id=store.id, order_id=order.id if order else None,
                customer_id=customer.id if customer else None, subject=body.subject,
                description=body.description, channel=body.channel, priority=body.priority, data={})
    create_case(ctx, workflow_for(WORKFLOW.type), case, record={"subject": body.subject, "channel": body.channel})
    return case


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    return {}
