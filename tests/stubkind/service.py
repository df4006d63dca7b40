"""Use-cases of the stub type: open one, describe it, record the verdict."""

from __future__ import annotations

from typing import Any

from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import Step, create_case
from shouhou.models import Case
from shouhou.orders.service import resolve_parties
from tests.stubkind.models import StubDetail
from tests.stubkind.schemas import StubIn


def create(ctx: Ctx, body: StubIn) -> Case:
    store, _, _ = resolve_parties(ctx, store_code=body.store, order_no=None, customer_external_id=None)
    case = Case(store_id=store.id, subject=body.subject, description="", channel="api", priority="normal", data={})

    def detail(step: Step) -> None:
        ctx.session.add(StubDetail(store_id=store.id, case_id=step.case.id, model=body.model))

    create_case(ctx, workflow_for("stub"), case, body, prepare=detail)
    return case


def describe(ctx: Ctx, case: Case) -> dict[str, Any]:
    d = ctx.session.get_one(StubDetail, case.id)
    return {"stub": {"model": d.model, "verdict": d.verdict}}


def record_verdict(step: Step) -> None:
    step.ctx.session.get_one(StubDetail, step.case.id).verdict = step.payload.verdict
