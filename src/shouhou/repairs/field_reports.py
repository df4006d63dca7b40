"""A technician's on-site report, sent from a phone that may have had no signal when it was filled
in: the browser keeps it until it can be sent, and sending it twice changes nothing — the report's
own id is remembered with the action it took (besides the Idempotency-Key the browser sends)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import may_act
from shouhou.engine.registry import workflow_for
from shouhou.errors import Conflict, Invalid, forbidden
from shouhou.models import Case
from shouhou.models.repairs import TechnicianReport
from shouhou.repairs import repository as repo
from shouhou.repairs.service import repair_case

REPORT_ACTIONS = ("check_in", "take_in", "complete_onsite")


def submit(ctx: Ctx, no: str, report_id: str, version: int, action: str,
           fields: dict[str, Any]) -> tuple[Case, bool]:
    """(the case, whether this report had been applied before)."""
    if not report_id or len(report_id) > 64:
        raise Invalid("invalid_report_id", en="A report needs an id of 1-64 characters",
                      zh="报告须有 1-64 个字符的编号")
    if action not in REPORT_ACTIONS:
        raise Invalid("invalid_report_action", en="A report is one of {actions}", zh="现场报告只能是 {actions}",
                      actions=list(REPORT_ACTIONS))
    case = repair_case(ctx, no)
    seen = repo.report_by_id(ctx.session, case.store_id, report_id)
    if seen is not None:
        # Only someone who may take the action learns that the report was applied.
        declared = workflow_for(case.type).action(action)
        if declared is None or not may_act(ctx.actor, declared.roles, case.store_id, case.customer_id):
            raise forbidden(f"{case.type}.{action}", case=case.no)
        if seen.case_id != case.id or seen.action != action:
            raise Conflict("report_id_reused", en="Report {id} was sent for another case or action",
                           zh="报告 {id} 已用于其他工单或操作", id=report_id)
        return case, True
    cases.transition(ctx, no, action, version, fields)
    try:
        with ctx.session.begin_nested():
            ctx.session.add(TechnicianReport(store_id=case.store_id, report_id=report_id, case_id=case.id,
                                             action=action, by=ctx.actor.name, created_at=ctx.clock.now()))
    except IntegrityError:  # the same report, applied by a concurrent send: this one must not count
        raise Conflict("report_in_progress", en="Report {id} is being applied", zh="报告 {id} 正在处理",
                       id=report_id) from None
    return case, False


def result(ctx: Ctx, case: Case, replayed: bool) -> dict[str, Any]:
    doc = cases.document(ctx, case)
    return {"ok": True, "replayed": replayed, "no": case.no, "status": doc["status"],
            "status_label": doc["status_label"], "version": doc["version"]}
