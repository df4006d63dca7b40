"""Cases in any state, for tests generated from the workflow declarations.

Every case type registers here:

* a **factory** `CASE_FACTORIES[type](world, status) -> Case` that opens a case through the
  type's real service and then puts it in `status` directly in the database (with the
  timers the engine would have armed on entering that state);
* a **sample payload** for every action of the type (`SAMPLES[type][action]`), valid for
  the action's payload schema. A `Sample` may carry `prepare(session, case)`, which sets up
  the facts an `offered` predicate looks for (a pending refund, an unsettled price
  difference, …), so that the allowed path of such an action is exercised too.

A new case type (or a new action) without an entry here makes `tests/engine/test_generated.py`
fail by name — it is never skipped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shouhou.cases import service as cases
from shouhou.engine.registry import workflow_for
from shouhou.models import Case, CaseShipment, Refund, ReturnDetail, Timer
from tests.builders import World

SIGNED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")  # three days before the frozen clock


@dataclass(frozen=True)
class Sample:
    payload: dict[str, Any]
    prepare: Callable[[Session, Case], None] | None = None


CASE_FACTORIES: dict[str, Callable[[World, str], Case]] = {}
SAMPLES: dict[str, dict[str, Sample]] = {}


def register(*case_types: str, samples: dict[str, dict[str, Any] | Sample]):
    """Decorator: `factory(world, case_type, status) -> Case` serves these types with these samples."""
    def wrap(factory: Callable[[World, str, str], Case]) -> Callable[[World, str, str], Case]:
        for t in case_types:
            CASE_FACTORIES[t] = lambda world, status, _t=t: factory(world, _t, status)
            SAMPLES[t] = {a: s if isinstance(s, Sample) else Sample(s) for a, s in samples.items()}
        return factory
    return wrap


def put_in_state(world: World, case_id: int, status: str) -> Case:
    """Set the status in the database as the engine would leave it: own timers armed, others cancelled."""
    with world.db.session() as s:
        case = s.get_one(Case, case_id)
        state = workflow_for(case.type).state(status)
        now = world.clock.now()
        s.execute(update(Timer).where(Timer.case_id == case_id, Timer.state == "pending")
                  .values(state="cancelled", fired_at=now))
        case.status = status
        case.closed_at = now if state.terminal else None
        for spec in state.timers:
            after = spec.after if isinstance(spec.after, timedelta) else timedelta(days=1)
            s.add(Timer(store_id=case.store_id, case_id=case.id, kind=spec.kind, action=spec.action,
                        due_at=now + after, state="pending", created_at=now, payload=dict(spec.payload or {})))
        s.flush()
        s.expunge(case)
        return case


# -- consultation -----------------------------------------------------------------------------

def _survivor(world: World, case: Case) -> None:
    """The case the samples merge a duplicate into (the desk's `merge`), made once per world."""
    with world.db.session() as s:
        if s.scalars(select(Case.id).where(Case.no == "AS-SURVIVOR")).first() is None:
            s.add(Case(store_id=case.store_id, no="AS-SURVIVOR", type="consultation", status="open", version=1,
                       subject="同一个问题", created_at=case.created_at, updated_at=case.created_at, data={}))


@register("consultation", samples={
    "assign": {}, "transfer": {}, "reply": {"message": "请提供型号"}, "note": {"message": "内部：已查知识库"},
    "wait_on_customer": {}, "customer_reply": {"message": "型号是 XQG100"}, "resolve": {"resolution": "已解答"},
    "close": {}, "reopen": {"message": "还是不行"}, "customer_message": {"message": "补充: 型号 XQG100"},
    "merge": {"into": "AS-SURVIVOR"},
})
def consultation(world: World, case_type: str, status: str) -> Case:
    with world.ctx(world.actor("agent-S1")) as ctx:
        case = cases.create(ctx, {"type": "consultation", "store": "S1", "customer": "u1001",
                                  "subject": "滤网怎么洗", "channel": "hotline"})
    _survivor(world, case)
    return put_in_state(world, case.id, status)


# -- refund_only / return_refund / exchange ---------------------------------------------------

def _detail(**values: Any) -> Callable[[Session, Case], None]:
    def prepare(session: Session, case: Case) -> None:
        session.execute(update(ReturnDetail).where(ReturnDetail.case_id == case.id).values(**values))
    return prepare


def _pending_refund(session: Session, case: Case) -> None:
    session.add(Refund(store_id=case.store_id, case_id=case.id, order_id=case.order_id, seq=1, kind="refund",
                       channel="alipay", amount_fen=100, status="pending", gateway="async", gateway_ref="R1",
                       requested_at=case.created_at))


def _urgent_return_on_its_way(session: Session, case: Case) -> None:
    _detail(urgent=True)(session, case)
    session.add(CaseShipment(store_id=case.store_id, case_id=case.id, direction="return", carrier="SF",
                             tracking_no="SFRET", payer="buyer", shipped_at=case.created_at))


def _pickup(session: Session, case: Case) -> None:
    from shouhou.models.returns import ReturnPickup

    at = case.created_at
    session.add(ReturnPickup(store_id=case.store_id, case_id=case.id, window_start=at + timedelta(hours=20),
                             window_end=at + timedelta(hours=23), contact="张三", phone="138", address="上海",
                             adapter="manual", status="requested", requested_at=at))


RETURN_SAMPLES: dict[str, dict[str, Any] | Sample] = {
    "approve": {}, "reject": {"reason": "商品已使用"}, "modify": {"description": "补充说明"},
    "cancel": {}, "escalate": {"reason": "不同意拒绝"}, "arbitrate": {"decision": "buyer"}, "close": {},
    "note": {"note": "内部备注"}, "message": {"message": "请问何时寄回？"}, "ship_return": {"carrier": "SF", "tracking_no": "SF999"},
    "receive": Sample({"result": "accepted"}, _detail(urgent=True)),
    "approve_refund": {}, "send_back": {"note": "金额有误"},
    "confirm_refund": Sample({"gateway_ref": "R1"}, _pending_refund),
    "fail_refund": Sample({"gateway_ref": "R1", "failure": "账户异常"}, _pending_refund),
    "record_insurance_payout": Sample({"amount": "10.00"}, _detail(insurance_status="pending")),
    "settle_difference": Sample({"amount": "50.00"}, _detail(price_difference_fen=5000,
                                                              price_difference_settled=False)),
    "reship": Sample({"carrier": "SF", "tracking_no": "SFNEW"}, _urgent_return_on_its_way),
    "confirm_receipt": {}, "extend_receipt": {"days": 5},
    "receipt_overdue": {}, "reship_overdue": {},
    "request_pickup": {"window_start": "2026-11-24T09:00:00+08:00", "window_end": "2026-11-24T12:00:00+08:00",
                       "address": {"contact": "张三", "phone": "13800000000", "address": "上海市浦东新区"}},
    "book_pickup": Sample({"carrier": "SF", "tracking_no": "SFPICK"}, _pickup),
    "record_pickup": Sample({"carrier": "SF", "tracking_no": "SFPICK"}, _pickup),
    "cancel_pickup": Sample({}, _pickup),
    "refund_instead": Sample({}, _detail(reship_overdue_at=SIGNED, received_at=SIGNED)),
    "adjust_postage": Sample({"amount": "8.00", "reason": "超出常规运费"}, _detail(
        postage={"claimed_fen": 1200, "receipt": None, "cap_fen": 2000, "rule": "RETURN-POSTAGE-MERCHANT"},
        return_postage_fen=1200)),
}
_orders = itertools.count(1)
RETURN_REASONS = {"refund_only": "missing_parts", "return_refund": "no_longer_wanted", "exchange": "size_fit"}


@register("refund_only", "return_refund", "exchange", samples=RETURN_SAMPLES)
def returns(world: World, case_type: str, status: str) -> Case:
    order_no = f"R-{case_type}-{status}-{next(_orders)}"
    world.order(order_no, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    body: dict[str, Any] = {"type": case_type, "order_no": order_no, "lines": [{"line_no": 1, "qty": 1}],
                            "reason": RETURN_REASONS[case_type]}
    if case_type == "exchange":
        body["exchange_sku"], body["photos"] = "TSHIRT-L", ["https://img.example.com/exchange.jpg"]
    with world.ctx(world.actor("buyer")) as ctx:
        case = cases.create(ctx, body)
    return put_in_state(world, case.id, status)


def timers_of(session: Session, case_id: int) -> list[Timer]:
    return list(session.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.id)))


# -- dispute ----------------------------------------------------------------------------------

@register("dispute", samples={
    "respond": {"note": "已按约发货，附物流记录", "photos": ["https://img.example.com/track.jpg"]},
    "add_evidence": {"note": "补充聊天记录"}, "to_review": {}, "decision_overdue": {},
    "decide": {"decision": "partial", "refund_amount": "30.00", "note": "部分支持"},
    "withdraw": {}, "note": {"note": "内部：已核实"},
})
def dispute(world: World, case_type: str, status: str) -> Case:
    order_no = f"D-{status}-{next(_orders)}"
    world.order(order_no, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1), completed_at=SIGNED)
    with world.ctx(world.actor("buyer")) as ctx:
        case = cases.create(ctx, {"type": "dispute", "order_no": order_no, "description": "交易成功后发现开线",
                                  "amount": "50.00"})
    return put_in_state(world, case.id, status)


# -- complaint ---------------------------------------------------------------------------------

COMPLAINT_PROPOSAL = {"substantiated": True, "responsible": "supplier", "supplier": "华东面料厂", "remedy": "compensation",
                      "description": "致歉并补偿", "compensation": "20.00", "gift": "清洁套装"}


def _complaint_settled(session: Session, case: Case) -> None:
    """The facts a later state stands on: a settlement with a task for finance, the warehouse and marketing."""
    from shouhou.models.complaint import ComplaintDetail

    d = session.get_one(ComplaintDetail, case.id)
    d.substantiated, d.responsible, d.supplier, d.remedy, d.proposal = True, "supplier", "华东面料厂", "gift", "致歉"
    d.compensation_fen, d.goods, d.gift = 2000, "新衬衫一件", "清洁套装"
    d.tasks = [{"department": dept, "what": what, "done_at": None, "done_by": None, "note": None}
               for dept, what in (("finance", "¥20.00"), ("warehouse", "新衬衫一件"), ("marketing", "清洁套装"))]


@register("complaint", samples={
    "investigate": {"message": "您反映客服未回电", "wish": "道歉"}, "propose": COMPLAINT_PROPOSAL,
    "approve_proposal": {}, "reject_proposal": {"note": "补偿过高"}, "agree": {"signed_by": "张三"},
    "decline": {"reason": "补偿太少"}, "pay_compensation": Sample({"note": "已转账"}, _complaint_settled),
    "ship_goods": Sample({"carrier": "SF", "tracking_no": "SF123"}, _complaint_settled),
    "send_gift": Sample({}, _complaint_settled),
    "follow_up": {"satisfied": True, "score": 5}, "follow_up_overdue": {}, "reply": {"message": "已在处理"},
    "customer_message": {"message": "请尽快"}, "note": {"note": "内部：已核实"}, "withdraw": {},
    "close_unresolved": {"note": "多次联系未果"},
})
def complaint(world: World, case_type: str, status: str) -> Case:
    order_no = f"C-{status}-{next(_orders)}"
    world.order(order_no, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    with world.ctx(world.actor("buyer")) as ctx:
        case = cases.create(ctx, {"type": "complaint", "order_no": order_no, "category": "service_attitude",
                                  "reason": "客服未按约回电"})
    if status not in ("registered", "investigating"):
        with world.db.session() as s:
            _complaint_settled(s, s.get_one(Case, case.id))
    return put_in_state(world, case.id, status)


# -- review (中差评) ----------------------------------------------------------------------------

@register("review", samples={
    "analyse": {"cause": "quality", "need": "退货"}, "contact": {"channel": "phone", "message": "您好，抱歉"},
    "record_outcome": {"outcome": "kept"}, "give_up": {}, "note": {"note": "内部"},
})
def review(world: World, case_type: str, status: str) -> Case:
    order_no = f"V-{status}-{next(_orders)}"
    world.order(order_no, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    with world.ctx(world.actor("agent-S1")) as ctx:
        case = cases.create(ctx, {"type": "review", "order_no": order_no, "rating": "negative", "content": "差评",
                                  "reviewed_at": "2026-11-22T20:00:00+08:00"})
    return put_in_state(world, case.id, status)


# -- logistics ---------------------------------------------------------------------------------

EVIDENCE = {"transaction_copy": ["https://img.example.com/deal.jpg"], "waybill_copy": ["https://img.example.com/bill.jpg"],
            "sender_id_copy": ["https://img.example.com/id.jpg"]}
REPORT = {"agent_id": "851", "delivery_area": "上海市浦东新区", "delivery_result": "已签收，外箱破损", **EVIDENCE}


def _reported(session: Session, case: Case) -> None:
    """A report the carrier has not answered yet (what the claim actions look for)."""
    from shouhou.models.logistics import LogisticsDetail

    d = session.get_one(LogisticsDetail, case.id)
    d.report_kind, d.reported_at, d.reported_by, d.carrier_agent_id = "damaged", case.created_at, "agent-S1", "851"
    d.goods_value_fen, d.delivery_area, d.delivery_result = 19800, "上海市浦东新区", "外箱破损"
    d.carrier_answer = d.compensation_fen = None


@register("logistics", samples={
    "log_query": {"agent_id": "851", "query_result": "已联系派件员更改地址", "message": "已为您更改派送地址"},
    "report_damage": {**REPORT, "damage_photos": ["https://img.example.com/broken.jpg"]},
    "report_loss": {**REPORT, "delivery_result": "派送途中丢失"},
    "record_carrier_compensation": Sample({"amount": "150.00", "claim_no": "LP-1"}, _reported),
    "record_carrier_refusal": Sample({"reason": "超过理赔时效"}, _reported),
    "carrier_overdue": {}, "resolve": {"outcome": "delivered", "message": "包裹已签收"},
    "reopen": {"message": "还是没有收到"}, "close": {}, "withdraw": {},
    "reply": {"message": "正在为您查件"}, "customer_message": {"message": "请尽快"}, "note": {"note": "内部：快递网点电话难打通"},
})
def logistics(world: World, case_type: str, status: str) -> Case:
    order_no = f"L-{status}-{next(_orders)}"
    world.order(order_no, signed_at=None, shipped_at=SIGNED - timedelta(days=1))
    with world.ctx(world.actor("buyer")) as ctx:
        case = cases.create(ctx, {"type": "logistics", "order_no": order_no, "problem": "not_moving",
                                  "description": "物流三天没有更新"})
    if status == "reported":
        with world.db.session() as s:
            _reported(s, s.get_one(Case, case.id))
    return put_in_state(world, case.id, status)


# -- repair / installation (tests/repairs/factories.py registers them) -------------------------

import tests.repairs.factories  # noqa: E402, F401
