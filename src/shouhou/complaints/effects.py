"""The effects the complaint workflow names (bound by plugin.py)."""

from __future__ import annotations

from shouhou.accounts import service as accounts
from shouhou.complaints import repository as repo
from shouhou.engine.outbox import emit
from shouhou.engine.permissions import STAFF, is_customer_view
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.fields import yuan
from shouhou.models import Order, Store

# Staff who may answer for a complaint (not the platform, nor an administrator).
ACCOUNTABLE = frozenset(STAFF - {"platform", "admin"})
# What a settlement by each remedy must say it gives: money (finance), goods (warehouse) or a gift (marketing).
REMEDY_NEEDS = {"compensation": "compensation", "refund": "compensation", "exchange": "goods", "gift": "gift",
                "coupon": "gift"}


def investigate(step: Step) -> None:
    d = repo.detail(step.ctx.session, step.case.id)
    d.restatement, d.wish = step.payload.message, step.payload.wish


def propose(step: Step) -> None:
    """The settlement, and the finding: whether the complaint is founded and who answers for it."""
    ctx, case, p = step.ctx, step.case, step.payload
    if p.substantiated and p.responsible == "none":
        raise Invalid("responsible_required", en="A founded complaint names who answers for it",
                      zh="投诉属实时须指明责任方", field="responsible")
    if not p.substantiated and p.responsible != "none":
        raise Invalid("not_substantiated", en="An unfounded complaint holds nobody responsible (responsible: none)",
                      zh="投诉不属实时不追究责任（责任方选“无”）", field="responsible")
    named = {"staff": p.responsible_staff, "department": p.responsible_department, "supplier": p.supplier}
    if p.responsible in named and not (named[p.responsible] or "").strip():
        field = {"staff": "responsible_staff", "department": "responsible_department"}.get(p.responsible, "supplier")
        raise Invalid("responsible_unnamed", en="Name the {kind} who answers for it ({field})",
                      zh="请填写责任{kind_zh}（{field}）", kind=p.responsible, field=field,
                      kind_zh={"staff": "人", "department": "部门", "supplier": "供应商"}[p.responsible])
    needs = REMEDY_NEEDS.get(p.remedy)
    given = p.compensation if needs == "compensation" else (getattr(p, needs) or "").strip() if needs else True
    if not given:
        raise Invalid("settlement_incomplete", en="A settlement by {remedy} says what is given ({field})",
                      zh="处理方式为{remedy}时须填写{field}", remedy=p.remedy, field=needs)
    d = repo.detail(ctx.session, case.id)
    user = (accounts.find_staff(ctx, p.responsible_staff, case.store_id, ACCOUNTABLE)
            if p.responsible == "staff" and p.responsible_staff else None)
    d.substantiated, d.responsible = p.substantiated, p.responsible
    d.responsible_user_id = user.id if user else None
    d.responsible_department = p.responsible_department if p.responsible == "department" else None
    d.supplier = p.supplier.strip() if p.responsible == "supplier" and p.supplier else None
    d.remedy, d.proposal, d.compensation_fen = p.remedy, p.description, p.compensation
    d.goods, d.gift = (p.goods or "").strip() or None, (p.gift or "").strip() or None
    d.proposed_by, d.approved_at, d.approved_by = ctx.actor.name, None, None
    step.record["compensation"] = yuan(p.compensation)  # the event says yuan, as every edge does


def approve_proposal(step: Step) -> None:
    """The settlement is approved, and with it the finding: a founded complaint counts against the
    party named from the first approval on (a later approval may name another, in the same month)."""
    d = repo.detail(step.ctx.session, step.case.id)
    if d.responsible_user_id is not None and d.responsible_user_id == step.ctx.actor.user_id:
        raise Invalid("approver_responsible", en="You are named responsible for this complaint: another supervisor approves it",
                      zh="您是该投诉的责任人，须由其他主管审批")
    now = step.ctx.clock.now()
    d.approved_at, d.approved_by = now, step.ctx.actor.name
    if d.substantiated:
        d.found_at = d.found_at or now
        d.found_responsible, d.found_user_id = d.responsible, d.responsible_user_id
        d.found_department, d.found_supplier = d.responsible_department, d.supplier
    else:
        d.found_at = d.found_responsible = d.found_user_id = d.found_department = d.found_supplier = None


def reopen(step: Step) -> None:
    """Back to the investigation: the settlement no longer stands; an approved finding does."""
    d = repo.detail(step.ctx.session, step.case.id)
    d.approved_at, d.approved_by, d.agreed_at, d.signed_by = None, None, None, None


def agree(step: Step) -> str:
    """The customer signs the agreement: the departments' tasks follow from the settlement, or the
    follow-up begins at once when there is nothing to carry out (an apology)."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = repo.detail(ctx.session, case.id)
    buyer = is_customer_view(ctx.actor, case.store_id)  # an integration records a signature, as staff do
    signed = (p.signed_by or "").strip() or (d.complainant if buyer else "")
    if not signed:
        raise Invalid("signature_required", en="Record the name the customer signed (signed_by)",
                      zh="请填写客户签字的姓名 signed_by", field="signed_by")
    now = ctx.clock.now()
    d.agreed_at, d.signed_by = now, signed
    tasks = []
    if d.compensation_fen:
        tasks.append({"department": "finance", "what": f"¥{yuan(d.compensation_fen)}"})
    if d.goods:
        tasks.append({"department": "warehouse", "what": d.goods})
    if d.gift:
        tasks.append({"department": "marketing", "what": d.gift})
    # A second settlement (after an unhappy follow-up) comes on top of what was already carried out.
    d.tasks = [*(t for t in d.tasks or () if t.get("done_at")),
               *({**t, "done_at": None, "done_by": None, "note": None} for t in tasks)]
    step.record["signed_by"] = signed
    assert step.rows is not None
    order = ctx.session.get(Order, case.order_id) if case.order_id else None
    emit(ctx, "complaint.agreed", {
        "case": case.no, "store": ctx.session.get_one(Store, case.store_id).code,
        "order_no": order.order_no if order else None, "complainant": d.complainant, "phone": d.phone,
        "address": d.address, "remedy": d.remedy, "compensation": yuan(d.compensation_fen), "goods": d.goods,
        "gift": d.gift, "at": now.isoformat()},
        store_id=case.store_id, rows=step.rows, case=case)
    return "executing" if tasks else "following_up"


def _undone(step: Step, department: str) -> dict | None:
    d = repo.detail(step.ctx.session, step.case.id)
    return next((t for t in d.tasks or () if t["department"] == department and not t.get("done_at")), None)


def owes_compensation(step: Step) -> bool:
    return _undone(step, "finance") is not None


def owes_goods(step: Step) -> bool:
    return _undone(step, "warehouse") is not None


def owes_gift(step: Step) -> bool:
    return _undone(step, "marketing") is not None


def _done(step: Step, department: str, **facts: str | None) -> str | None:
    """Marks the department's task done; the last one starts the follow-up."""
    ctx = step.ctx
    d = repo.detail(ctx.session, step.case.id)
    tasks = [dict(t) for t in d.tasks or ()]
    for t in tasks:
        if t["department"] == department and not t.get("done_at"):
            t.update(done_at=ctx.clock.now().isoformat(), done_by=ctx.actor.name, note=step.payload.note,
                     **{k: v for k, v in facts.items() if v})
            break
    d.tasks = tasks
    return "following_up" if all(t.get("done_at") for t in tasks) else None


def pay_compensation(step: Step) -> str | None:
    return _done(step, "finance")


def ship_goods(step: Step) -> str | None:
    return _done(step, "warehouse", carrier=step.payload.carrier, tracking_no=step.payload.tracking_no)


def send_gift(step: Step) -> str | None:
    return _done(step, "marketing")


def follow_up(step: Step) -> str:
    """A follow-up call: a satisfied customer closes the complaint; an unhappy one reopens the investigation."""
    ctx, p = step.ctx, step.payload
    d = repo.detail(ctx.session, step.case.id)
    d.follow_ups = [*(d.follow_ups or ()), {"at": ctx.clock.now().isoformat(), "by": ctx.actor.name,
                                            "satisfied": p.satisfied, "score": p.score, "message": p.message,
                                            "note": p.note}]
    d.satisfied = p.satisfied
    # Unhappy: the investigation resumes; the approved finding stands until a new proposal replaces it.
    return "closed" if p.satisfied else "investigating"


def follow_up_overdue(step: Step) -> None:
    step.case.priority = "urgent"
