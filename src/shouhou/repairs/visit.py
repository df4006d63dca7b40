"""派工 and the visit (seed 000 (八)(九)): the supervisor dispatches a technician for a window; the
technician goes with the service voucher (服务凭证), checks in, and either finishes on site — the
customer signs — or takes the unit back. Installations are completed on site the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.fields import local_iso
from shouhou.models import Store
from shouhou.models.repairs import RepairDetail, RepairFee, RepairPayment
from shouhou.parts import service as parts
from shouhou.policy.warranty import days_in_repair
from shouhou.repairs import card, dispatch, outlets
from shouhou.repairs import repository as repo
from shouhou.repairs.balance import balance_of
from shouhou.repairs.workshop import sign
from shouhou.units import service as units
from shouhou.units.schemas import UnitIn

TECHNICIAN = frozenset({"technician"})


def detail(step: Step) -> RepairDetail:
    return repo.detail(step.ctx.session, step.case.id)


def _tz(step: Step) -> ZoneInfo:
    return ZoneInfo(step.ctx.session.get_one(Store, step.case.store_id).timezone)


def check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise Invalid("invalid_window", en="The window must end after it starts", zh="时段的结束时间须晚于开始时间")


def _future(step: Step, start: datetime, end: datetime) -> None:
    check_window(start, end)
    if end <= step.ctx.clock.now():
        raise Invalid("window_in_past", en="The appointment window has already passed", zh="预约时段已过")


def dispatch_offered(step: Step) -> bool:
    """On-site work is dispatched; a carry-in or mail-in waits for the unit at the counter."""
    d = detail(step)
    return d.mode == "onsite" or d.kind != "repair"


def may_dispatch(step: Step) -> None:
    p = step.payload
    _future(step, p.window.start, p.window.end)
    outlets.check_dispatcher(step.ctx, step.case, detail(step))
    dispatch.check(step.ctx, step.case, detail(step), p.technician, p.window.start, p.window.end)


def may_reschedule(step: Step) -> None:
    p, d = step.payload, detail(step)
    _future(step, p.window.start, p.window.end)
    name = card.technician_name(step.ctx, d)
    if name:
        dispatch.check(step.ctx, step.case, d, name, p.window.start, p.window.end)


def may_redispatch(step: Step) -> None:
    p, d = step.payload, detail(step)
    start = p.window.start if p.window else d.window_start
    end = p.window.end if p.window else d.window_end
    if start is None or end is None:
        raise Invalid("window_required", en="Give the new window", zh="请填写预约时段 window")
    _future(step, start, end)
    outlets.check_dispatcher(step.ctx, step.case, d)
    dispatch.check(step.ctx, step.case, d, p.technician, start, end)


def _assign(step: Step, d: RepairDetail, username: str) -> None:
    user = accounts.find_staff(step.ctx, username, step.case.store_id, TECHNICIAN)
    d.technician_id = user.id
    step.case.assignee_id = user.id
    if step.case.first_owner_id is None:
        step.case.first_owner_id = user.id


def _window(step: Step, d: RepairDetail, start: datetime, end: datetime) -> None:
    tz = _tz(step)
    if d.window_start is not None:
        step.record["previous_window"] = {"start": local_iso(d.window_start, tz), "end": local_iso(d.window_end, tz)}
    d.window_start, d.window_end = start, end


def dispatch_(step: Step) -> None:
    ctx, p = step.ctx, step.payload
    d = detail(step)
    _assign(step, d, p.technician)
    _window(step, d, p.window.start, p.window.end)
    if p.distance_km is not None:
        d.distance_km = p.distance_km
    for want in p.parts:  # 随车配件: reserved in the van the technician takes
        parts.reserve(ctx, step.case.store_id, want.sku, want.qty, parts.van(p.technician), step.case.id)


def assign_outlet(step: Step) -> None:
    d = detail(step)
    d.outlet_id = outlets.outlet_id(step.ctx, step.case.store_id, step.payload.outlet)
    step.record["outlet"] = step.payload.outlet


def reschedule(step: Step) -> None:
    _window(step, detail(step), step.payload.window.start, step.payload.window.end)


def redispatch(step: Step) -> None:
    p, d = step.payload, detail(step)
    previous = card.technician_name(step.ctx, d)
    if previous:
        step.record["previous_technician"] = previous
    parts.release(step.ctx, step.case.id)  # what was reserved in the old van goes back to its stock
    _assign(step, d, p.technician)
    if p.window:
        _window(step, d, p.window.start, p.window.end)


def check_in(step: Step) -> None:
    d = detail(step)
    d.checked_in_at, d.geo_note = step.ctx.clock.now(), step.payload.geo_note
    if d.technician_id is None and "technician" in step.ctx.actor.roles_in(step.case.store_id):
        d.technician_id = step.ctx.actor.user_id
        step.case.assignee_id = d.technician_id
    card.charge_call_out(step, d)


def complete_onsite(step: Step) -> str:
    """现场完工: the report (diagnosis, work, parts, fee lines), the customer's signature, and the
    fee collected on the spot; money still due waits in `awaiting_payment`."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
    now = ctx.clock.now()
    if case.type == "installation":
        _installed(step, d)
        card.book(step, onsite=True, result="installed")
        card.finished(step, d, "fixed", kind_result="installed")
    else:
        card.book(step, onsite=True, result=p.result)
        card.finished(step, d, p.result)
        if d.unit_id is not None:
            units.add_repair_days(ctx, d.unit_id, days_in_repair(case.created_at, now, _tz(step)))
    for line in p.fee_lines:
        ctx.session.add(RepairFee(store_id=case.store_id, case_id=case.id, kind=line.kind, description=line.description,
                                  amount_fen=line.amount, source="onsite", created_at=now))
    sign(step, p.signature, "installation" if case.type == "installation" else "onsite", d.contact_name)
    ctx.session.flush()
    if p.collected is not None:
        pay(step, d, p.collected.amount, p.collected.method)
    parts.release(ctx, case.id)
    d.location = "customer"
    return "completed" if balance_of(ctx, case.id, d).due_fen == 0 else "awaiting_payment"


def _installed(step: Step, d: RepairDetail) -> None:
    """安装完成: the unit's installed time starts its 三包 periods (实施条例 2024 Art. 18)."""
    ctx, case, p = step.ctx, step.case, step.payload
    if d.unit_id is None and p.serial:
        unit = units.by_serial(ctx, case.store_id, p.serial)
        if unit is None:
            unit = units.create(ctx, UnitIn(store=ctx.session.get_one(Store, case.store_id).code, serial=p.serial,
                                            model=d.model or p.serial, category=d.category or None,
                                            address=d.address, district=d.district))
            unit.customer_id, unit.source = case.customer_id, "installation"
        d.unit_id, d.serial = unit.id, unit.serial
        units.record_service(ctx, unit, case, "installation")
    if d.unit_id is not None:
        units.mark_installed(ctx, d.unit_id, ctx.clock.now())
        step.record["installed"] = d.serial


def pay(step: Step, d: RepairDetail, amount: int, method: str) -> None:
    due = balance_of(step.ctx, step.case.id, d).due_fen
    if amount > due:
        raise Invalid("amount_exceeds_due", en="{amount} is more than the {due} due",
                      zh="收款金额 {amount} 超过应收 {due}",
                      amount=f"{amount / 100:.2f}", due=f"{due / 100:.2f}")
    step.ctx.session.add(RepairPayment(store_id=step.case.store_id, case_id=step.case.id, amount_fen=amount,
                                       method=method, at=step.ctx.clock.now(), by=step.ctx.actor.name))
    step.ctx.session.flush()


def cancel(step: Step) -> None:
    parts.release(step.ctx, step.case.id)
    d = detail(step)
    if d.unit_id is not None:
        units.finish_service(step.ctx, d.unit_id, step.case.id, result="cancelled", fault_code=d.fault_code,
                             serious=False)


def response_overdue(step: Step) -> None:
    detail(step).response_overdue = True
    emit(step.ctx, "repair.response_overdue", {"case": step.case.no}, store_id=step.case.store_id, case=step.case,
         rows=step.rows)  # type: ignore[arg-type]


def remind_appointment(step: Step) -> None:
    d = detail(step)
    tz = _tz(step)
    emit(step.ctx, "repair.appointment_reminder",
         {"case": step.case.no, "technician": card.technician_name(step.ctx, d), "phone": d.contact_phone,
          "address": d.address, "start": local_iso(d.window_start, tz), "end": local_iso(d.window_end, tz)},
         store_id=step.case.store_id, case=step.case, rows=step.rows)  # type: ignore[arg-type]


def reminder_delay(step: Step) -> timedelta:
    """A day before the window starts (at once when that is already past)."""
    d = detail(step)
    if d.window_start is None:
        return timedelta(days=1)
    return max(d.window_start - timedelta(days=1) - step.ctx.clock.now(), timedelta(minutes=1))
