"""叫修登记 (seed 000 (八)): who calls, for which unit, what is wrong — and, decided at once, the
service type (A/B/C of seed 000 (六)) with the rule that decided it, and whether it is a re-repair."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.engine.runner import Step, create_case
from shouhou.errors import Invalid, not_found
from shouhou.fields import local_iso
from shouhou.models import Case, CaseLink, Customer, Order, Store
from shouhou.models.repairs import RepairDetail
from shouhou.models.units import Unit
from shouhou.orders import service as orders
from shouhou.policy.warranty import ServiceTypeDecision, service_type
from shouhou.repairs import repository as repo
from shouhou.repairs import settings as repair_settings
from shouhou.repairs.schemas import InstallationIn, RepairIn
from shouhou.units import service as units
from shouhou.units.schemas import UnitIn


def create(ctx: Ctx, body: RepairIn | InstallationIn) -> Case:
    if body.preferred_time and body.preferred_time.end <= body.preferred_time.start:
        raise Invalid("invalid_window", en="The preferred time must end after it starts",
                      zh="期望上门时段的结束时间须晚于开始时间", field="preferred_time")
    if body.preferred_time and body.preferred_time.end <= ctx.clock.now():
        raise Invalid("invalid_window", en="The preferred time has already passed; choose a time to come",
                      zh="期望上门时段已经过去，请选择今后的时间", field="preferred_time")
    store, order, customer = orders.resolve_parties(ctx, store_code=body.store, order_no=body.order_no,
                                                    customer_external_id=body.customer)
    unit = _unit(ctx, store, order, customer, body)
    if unit is not None:
        customer = _owner(ctx, unit, customer)
        if order is None and unit.order_id is not None:
            order = ctx.session.get(Order, unit.order_id)
    kind = body.kind if isinstance(body, RepairIn) else "installation"
    if isinstance(body, RepairIn):
        repair_settings.check_fault_code(ctx, store.id, body.fault_code)
    decision, warranty_doc = decide_service_type(ctx, store, unit, kind)
    workflow = workflow_for(body.type)
    label = unit.name or unit.model if unit else (body.model or "")
    case = Case(store_id=store.id, order_id=order.id if order else None, customer_id=customer.id if customer else None,
                channel=body.channel, priority=body.priority, description=body.description, data={},
                subject=f"{ctx.stored(workflow.zh, workflow.en)} {label}".strip())
    contract = units.valid_contract(ctx, unit, ctx.clock.now()) if unit is not None else None

    def prepare(step: Step) -> None:
        d = RepairDetail(
            store_id=store.id, case_id=step.case.id, kind=kind,
            mode=body.mode if isinstance(body, RepairIn) else "onsite", location="customer",
            service_type=decision.type, service_basis=_basis(decision), warranty=warranty_doc, entitlements=[],
            unit_id=unit.id if unit else None, serial=unit.serial if unit else body.serial,
            model=(unit.model if unit else body.model) or "", category=(unit.category if unit else body.category) or "",
            contract_id=contract.id if contract else None, contact_name=body.contact.name,
            contact_phone=body.contact.phone, address=body.contact.address or (unit.address if unit else ""),
            district=body.contact.district or (unit.district if unit else ""),
            fault=body.fault if isinstance(body, RepairIn) else ctx.stored("安装调试", "Installation"),
            fault_code=body.fault_code if isinstance(body, RepairIn) else None,
            preferred_start=body.preferred_time.start if body.preferred_time else None,
            preferred_end=body.preferred_time.end if body.preferred_time else None,
            accessories=[], photos=list(body.photos) if isinstance(body, RepairIn) else [])
        repo.new_detail(ctx.session, d)
        if unit is not None:
            units.record_service(ctx, unit, step.case, kind, d.fault_code)
            if kind == "repair":
                _mark_rework(step, d, unit)
        step.record.update(service_type=decision.type, rework=d.rework)

    create_case(ctx, workflow, case, body, prepare=prepare)
    return case


def _unit(ctx: Ctx, store: Store, order: Order | None, customer: Customer | None,
          body: RepairIn | InstallationIn) -> Unit | None:
    """The unit the call is about: by serial, from the order line, or entered now by hand."""
    if body.serial:
        unit = units.by_serial(ctx, store.id, body.serial)
        if unit is not None:
            return unit
        if order is not None:
            return units.unit_for_line(ctx, order, body.line_no, body.serial)
        if body.model and ctx.actor.roles_in(store.id) & units.WRITERS:
            return units.create(ctx, UnitIn(store=store.code, serial=body.serial, model=body.model,
                                            category=body.category, customer=customer.external_id if customer else None,
                                            address=body.contact.address, district=body.contact.district))
        raise not_found("unit", body.serial)
    if order is not None:
        return units.unit_for_line(ctx, order, body.line_no, None)
    if not body.model:
        raise Invalid("unit_required", en="Say which product: serial, order_no (+ line_no), or model",
                      zh="请说明是哪件商品：序列号、订单号（及行号）或型号")
    return None


def _owner(ctx: Ctx, unit: Unit, customer: Customer | None) -> Customer | None:
    if customer is not None and unit.customer_id is not None and unit.customer_id != customer.id:
        if ctx.actor.customer_id is not None:
            raise not_found("unit", unit.serial)  # not the buyer's own: as if it did not exist
        raise Invalid("unit_not_customers", en="Unit {serial} is not this customer's", zh="产品 {serial} 不属于该客户",
                      serial=unit.serial)
    if customer is None and unit.customer_id is not None:
        return ctx.session.get_one(Customer, unit.customer_id)
    return customer


def decide_service_type(ctx: Ctx, store: Store, unit: Unit | None,
                        kind: str) -> tuple[ServiceTypeDecision, dict[str, Any]]:
    """Warranty (三包 or the store's), else a valid contract, else paid — and the warranty's snapshot."""
    now = ctx.clock.now()
    tz = ZoneInfo(store.timezone)
    if unit is None:
        return service_type(None, None, now, tz, installation_included=False), {"covered": False, "until": None,
                                                                               "basis": [], "starts": None}
    assessment = units.assess(ctx, unit)  # a free repair does not depend on the history
    contract = units.valid_contract(ctx, unit, now)
    facts = units.contract_facts(contract) if contract else None
    if kind == "maintenance" and facts is not None:
        decision = service_type(None, facts, now, tz)  # the visits are what the contract is for
    else:
        included = kind == "installation" and "installation_required" in (unit.tags or [])
        decision = service_type(assessment.warranty, facts, now, tz, installation_included=included)
    w = assessment.warranty
    return decision, {"covered": w.covered, "until": w.until.isoformat() if w.until else None,
                      "starts": assessment.starts.isoformat() if assessment.starts else None,
                      "basis": [{"rule": b.rule, "zh": b.text_zh, "en": b.text_en} for b in w.basis]}


def _basis(decision: ServiceTypeDecision) -> list[dict[str, str]]:
    return [{"rule": b.rule, "zh": b.text_zh, "en": b.text_en} for b in decision.basis]


def _mark_rework(step: Step, d: RepairDetail, unit: Unit) -> None:
    """返修: the unit was repaired within the store's re-repair window (90 days by default)."""
    ctx = step.ctx
    last = units.last_repair_before(ctx, unit, step.case.id)
    if last is None:
        return
    line, earlier = last
    window = timedelta(days=repair_settings.of_store(ctx, d.store_id).rework_days)
    if line.finished_at is not None and ctx.clock.now() - line.finished_at <= window:
        d.rework, d.rework_of_case_id = True, earlier.id
        ctx.session.add(CaseLink(store_id=d.store_id, case_id=step.case.id, other_case_id=earlier.id, kind="rework_of",
                                 created_at=ctx.clock.now()))
        step.record["rework_of"] = earlier.no


def registration_book(ctx: Ctx, store_ids: set[int] | None, tz: str) -> list[dict[str, Any]]:
    """叫修登记簿: the repair calls still waiting for dispatch."""
    return book_lines(ctx, repo.cases_in_state(ctx.session, store_ids, None, ["registered"]), tz)


def book_lines(ctx: Ctx, rows: list[tuple[Case, RepairDetail]], tz: str) -> list[dict[str, Any]]:
    return [{"no": c.no, "type": c.type, "status": c.status, "kind": d.kind, "mode": d.mode,
             "registered_at": local_iso(c.created_at, tz), "contact": d.contact_name, "phone": d.contact_phone,
             "address": d.address, "district": d.district, "model": d.model, "serial": d.serial, "fault": d.fault,
             "service_type": d.service_type, "preferred_start": local_iso(d.preferred_start, tz),
             "preferred_end": local_iso(d.preferred_end, tz)} for c, d in rows]
