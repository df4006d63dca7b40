"""The effects and tests the logistics workflow names (bound by plugin.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.cases import service as cases
from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.fields import yuan
from shouhou.logistics import repository as repo
from shouhou.logistics import service
from shouhou.models import Case, CaseLink, Order, Store

# What a report to the carrier must enclose (seed 001): the transaction, the waybill (快递底单), the
# sender's ID, and for a damaged parcel photos of the damage.
EVIDENCE = {"damaged": ("transaction_copy", "waybill_copy", "sender_id_copy", "damage_photos"),
            "lost": ("transaction_copy", "waybill_copy", "sender_id_copy")}
EVIDENCE_ZH = {"transaction_copy": "交易详情", "waybill_copy": "快递底单", "sender_id_copy": "寄件人身份证",
               "damage_photos": "破损照片"}
FACTS_ZH = {"agent_id": "快递客服工号", "shipped_on": "发货日期", "goods_value": "货物价值"}
REFUND_TYPES = ("refund_only", "return_refund")
# What each outcome takes beyond the message; anything else given is refused.
OUTCOME_FIELDS = {"reshipped": ("carrier", "tracking_no"), "refunded": ("case_no",)}


def _filled(text: str | None) -> str:
    return (text or "").strip()


# -- offered ------------------------------------------------------------------------------------

def unreported(step: Step) -> bool:
    return repo.detail(step.ctx.session, step.case.id).reported_at is None


def claim_pending(step: Step) -> bool:
    """A report the carrier has not answered (paid or declined) yet."""
    d = repo.detail(step.ctx.session, step.case.id)
    return d.reported_at is not None and d.carrier_answer is None


def claim_settled(step: Step) -> bool:
    return not claim_pending(step)


# -- queries ------------------------------------------------------------------------------------
# Guards refuse before the engine claims the case; effects then only write.

def _queried_at(step: Step) -> datetime:
    now = step.ctx.clock.now()
    at = step.payload.queried_at.astimezone(UTC) if step.payload.queried_at else now
    if at > now:
        raise Invalid("invalid_time", en="{field} is in the future", zh="{field} 晚于当前时间", field="queried_at")
    return at


def check_query(step: Step) -> None:
    _queried_at(step)


def log_query(step: Step) -> None:
    """A call to the carrier (查件): when, the agent's id, what they said, what the customer was told."""
    ctx, p = step.ctx, step.payload
    d = repo.detail(ctx.session, step.case.id)
    entry = {"at": _queried_at(step).isoformat(), "agent_id": p.agent_id.strip(), "query_result": p.query_result,
             "message": p.message, "by": ctx.actor.name}
    d.queries = sorted([*(d.queries or ()), entry], key=lambda q: q["at"])  # a call logged late goes in its place


# -- the report to the carrier ------------------------------------------------------------------

def check_damage_report(step: Step) -> None:
    _facts(step, "damaged")


def check_loss_report(step: Step) -> None:
    _facts(step, "lost")


def report_damage(step: Step) -> None:
    _report(step, "damaged")


def report_loss(step: Step) -> None:
    _report(step, "lost")


def _facts(step: Step, condition: str) -> tuple[str, date, int]:
    """What the report states (the agent's id, the ship day, the goods' value: from the last query and
    the order when not given), refused when something is missing, and its evidence checked."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = repo.detail(ctx.session, case.id)
    tz = ZoneInfo(ctx.session.get_one(Store, case.store_id).timezone)
    agent = _filled(p.agent_id) or (d.queries[-1]["agent_id"] if d.queries else "")
    shipped_on = p.shipped_on or (d.shipped_at.astimezone(tz).date() if d.shipped_at else None)
    value = p.goods_value if p.goods_value is not None else service.goods_value(ctx, case, list(d.skus or ()))
    missing = [name for name, v in (("agent_id", agent), ("shipped_on", shipped_on), ("goods_value", value))
               if v in (None, "")]
    if missing:
        raise Invalid("report_incomplete", en="The report must state {fields}", zh="报案须写明：{fields_zh}",
                      fields=", ".join(missing), fields_zh="、".join(FACTS_ZH[m] for m in missing), field=missing[0])
    assert shipped_on is not None and value is not None
    if value <= 0:
        raise Invalid("amount_not_positive", en="{field} must be more than 0", zh="{field} 须大于 0", field="goods_value")
    if shipped_on > ctx.clock.now().astimezone(tz).date():
        raise Invalid("invalid_time", en="{field} is in the future", zh="{field} 晚于当前时间", field="shipped_on")
    lacking = [name for name in EVIDENCE[condition] if not getattr(p, name)]
    if lacking:
        raise Invalid("evidence_missing", en="The report to the carrier lacks {items}", zh="报案材料不全，缺少：{items_zh}",
                      items=", ".join(lacking), items_zh="、".join(EVIDENCE_ZH[m] for m in lacking), field=lacking[0])
    return agent, shipped_on, value


def _report(step: Step, condition: str) -> None:
    ctx, p = step.ctx, step.payload
    agent, shipped_on, value = _facts(step, condition)
    d = repo.detail(ctx.session, step.case.id)
    now = ctx.clock.now()
    d.report_kind, d.reported_at, d.reported_by = condition, now, ctx.actor.name
    d.carrier_agent_id, d.shipped_on, d.goods_value_fen = agent, shipped_on, value
    d.delivery_area, d.delivery_result = p.delivery_area.strip(), p.delivery_result.strip()
    d.evidence = {name: list(getattr(p, name)) for name in EVIDENCE[condition]}
    d.report_note = p.note
    # The event says what the report stated, defaults included, and money in yuan.
    step.record.update(agent_id=agent, shipped_on=shipped_on.isoformat(), goods_value=yuan(value))
    _emit(step, "logistics.reported", {
        "condition": condition, "carrier": d.carrier, "tracking_no": d.tracking_no, "agent_id": agent,
        "shipped_on": shipped_on.isoformat(), "delivery_area": d.delivery_area, "delivery_result": d.delivery_result,
        "goods_value": yuan(value), "skus": list(d.skus or ()), "evidence": d.evidence, "at": now.isoformat()})


def check_compensation(step: Step) -> None:
    if step.payload.amount <= 0:
        raise Invalid("amount_not_positive", en="{field} must be more than 0 (a carrier that pays nothing: record "
                      "its refusal)", zh="{field} 须大于 0（快递公司不赔付请登记拒赔）", field="amount")


def record_compensation(step: Step) -> None:
    """The carrier paid the claim (integer fen, yuan at the edges)."""
    ctx, p = step.ctx, step.payload
    d = repo.detail(ctx.session, step.case.id)
    d.carrier_answer, d.compensation_fen = "paid", p.amount
    d.claim_no, d.answer_note = _filled(p.claim_no) or None, p.note
    d.answered_at, d.answered_by = ctx.clock.now(), ctx.actor.name
    step.record["amount"] = yuan(p.amount)


def record_refusal(step: Step) -> None:
    """The carrier declined the claim, or never answered and the shop gives up on it."""
    ctx = step.ctx
    d = repo.detail(ctx.session, step.case.id)
    d.carrier_answer, d.compensation_fen, d.answer_note = "declined", None, step.payload.reason
    d.answered_at, d.answered_by = ctx.clock.now(), ctx.actor.name


def carrier_overdue(step: Step) -> None:
    step.case.priority = "urgent"


# -- the outcome for the buyer ------------------------------------------------------------------

def check_outcome(step: Step) -> Case | None:
    """What the outcome takes, checked; the refund case it names (refunded)."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = repo.detail(ctx.session, case.id)
    given = {"carrier": _filled(p.carrier), "tracking_no": _filled(p.tracking_no), "case_no": _filled(p.case_no)}
    stray = [k for k, v in given.items() if v and k not in OUTCOME_FIELDS.get(p.outcome, ())]
    if stray:
        raise Invalid("not_for_outcome", en="{field} does not go with the outcome {outcome}",
                      zh="处理结果为 {outcome} 时不填写 {field}", field=stray[0], outcome=p.outcome)
    if p.outcome == "reshipped" and (not given["tracking_no"] or given["tracking_no"] == d.tracking_no):
        raise Invalid("reship_tracking_required", en="Give the new parcel's tracking number (tracking_no)",
                      zh="补发须填写新包裹的运单号（tracking_no）", field="tracking_no")
    if p.outcome == "compensated" and d.carrier_answer != "paid":
        raise Invalid("compensation_not_recorded", en="Record the carrier's compensation first",
                      zh="请先登记快递公司的赔付", field="outcome")
    return _refund_case(step, given["case_no"]) if p.outcome == "refunded" else None


def _refund_case(step: Step, case_no: str) -> Case:
    """The refund or return case through which the buyer got their money back, of the same order."""
    ctx, case = step.ctx, step.case
    if not case_no:
        raise Invalid("refund_case_required", en="Name the refund or return case (case_no)",
                      zh="请填写退款或退货退款售后单号（case_no）", field="case_no")
    other = cases.get(ctx, case_no)
    if other.type not in REFUND_TYPES:
        raise Invalid("not_a_refund_case", en="Case {case} is not a refund or a return", zh="售后单 {case} 不是退款或退货退款",
                      case=case_no, field="case_no")
    same = other.order_id == case.order_id if case.order_id else other.customer_id == case.customer_id
    if other.store_id != case.store_id or not same:
        raise Invalid("case_not_of_order", en="Case {case} is not about this order", zh="售后单 {case} 与该订单无关",
                      case=case_no, field="case_no")
    return other


def resolve(step: Step) -> None:
    ctx, case, p = step.ctx, step.case, step.payload
    refund = check_outcome(step)
    d = repo.detail(ctx.session, case.id)
    d.outcome, d.resolution, d.resolved_at, d.resolved_by = p.outcome, p.message, ctx.clock.now(), ctx.actor.name
    reshipped = p.outcome == "reshipped"
    d.reship_carrier = (_filled(p.carrier) or d.carrier) if reshipped else None
    d.reship_tracking_no = _filled(p.tracking_no) if reshipped else None
    if refund is not None and not repo.link_exists(ctx.session, case.id, refund.id, "logistics_refund"):
        ctx.session.add(CaseLink(store_id=case.store_id, case_id=case.id, other_case_id=refund.id,
                                 kind="logistics_refund", created_at=ctx.clock.now()))


def reopen(step: Step) -> None:
    """Not solved after all: back to the carrier. The outcome goes (the events keep it); a claim stays."""
    d = repo.detail(step.ctx.session, step.case.id)
    d.outcome = d.resolution = d.resolved_at = d.resolved_by = d.reship_carrier = d.reship_tracking_no = None


def _emit(step: Step, topic: str, facts: dict[str, Any]) -> None:
    ctx, case = step.ctx, step.case
    assert step.rows is not None
    order = ctx.session.get(Order, case.order_id) if case.order_id else None
    emit(ctx, topic, {"case": case.no, "store": ctx.session.get_one(Store, case.store_id).code,
                      "order_no": order.order_no if order else None, **facts},
         store_id=case.store_id, rows=step.rows, case=case)
