"""What a warning or a breach does: tell the assignee and the team's supervisor, then follow the
policy's escalation chain (notify, raise the priority, reassign). Runs once per warning or breach,
in the transaction that set it (desk/sla_sweep.py)."""

from __future__ import annotations

from typing import Any

from shouhou.accounts import service as accounts
from shouhou.desk import notify
from shouhou.desk import repository as repo
from shouhou.desk.sla import policy_of_case
from shouhou.engine.context import Ctx
from shouhou.engine.logrows import LogRows
from shouhou.engine.outbox import emit
from shouhou.models import Case
from shouhou.models.desk import SlaClock

PRIORITIES = ("low", "normal", "high", "urgent")
TARGET_ZH = {"first_response": "首次响应", "next_response": "再次响应", "resolution": "解决"}
TOPICS = {"warning": "sla.warning", "breach": "sla.breached"}


def supervisor_of(ctx: Ctx, case: Case) -> int | None:
    """The supervisor of the case's team, else the store's first supervisor."""
    desk = repo.case_desk(ctx.session, case.id)
    if desk is not None and desk.team_id is not None:
        team = next((t for t in repo.teams(ctx.session, case.store_id) if t.id == desk.team_id), None)
        if team is not None and team.supervisor_id:
            return team.supervisor_id
    return accounts.staff_holding(ctx, case.store_id, "supervisor")


def _who(ctx: Ctx, case: Case, to: str | None) -> int | None:
    if to in (None, "assignee"):
        return case.assignee_id
    if to == "supervisor":
        return supervisor_of(ctx, case)
    if to == "first_owner":
        return case.first_owner_id
    user = repo.user_by_name(ctx.session, to)
    return user.id if user is not None else None


def fire(ctx: Ctx, case: Case, clock: SlaClock, kind: str) -> None:
    store = repo.store(ctx.session, case.store_id)
    policy = policy_of_case(ctx, case, store, [clock])
    due = clock.due_at.isoformat() if clock.due_at else None
    what_zh = TARGET_ZH.get(clock.target, clock.target)
    if kind == "warning":
        zh, en = (f"{case.no} {what_zh}即将超时(已用 75%)", f"{case.no}: {clock.target} at 75% of its target")
    else:
        zh, en = f"{case.no} {what_zh}已超时", f"{case.no}: {clock.target} breached"
    told = {u for u in (case.assignee_id, supervisor_of(ctx, case)) if u}
    steps: list[dict[str, Any]] = [s for s in (policy.escalation if policy else ())
                                   if s.get("at") == kind and s.get("target") in (None, clock.target)]
    done = []
    for step in steps:
        action = step.get("action")
        if action == "notify":
            user = _who(ctx, case, step.get("to"))
            if user:
                told.add(user)
        elif action == "raise_priority":
            level = PRIORITIES.index(case.priority) if case.priority in PRIORITIES else 1
            case.priority = PRIORITIES[min(level + 1, len(PRIORITIES) - 1)]
        elif action == "reassign":
            user = _who(ctx, case, step.get("to") or "supervisor")
            if user and user != case.assignee_id:
                previous, case.assignee_id = case.assignee_id, user
                notify.follow(ctx, case, previous, "escalated")
                told.add(user)
        done.append(action)
    notify.tell(ctx, case, sorted(told), f"sla_{kind}", zh, en)
    rows = LogRows(ctx.session)
    emit(ctx, TOPICS[kind], {"case": case.no, "type": case.type, "target": clock.target, "due_at": due,
                             "policy": clock.policy, "escalation": done}, store_id=case.store_id, case=case,
         rows=rows)
    ctx.session.flush()
    rows.write()
