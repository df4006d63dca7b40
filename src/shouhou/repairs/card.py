"""The repair card (修护卡, seed 000 (十二)): each work session — who, how long, what was found —
and the parts fitted, taken from stock, with the faulty part's serial and the new one's.

A `paid` case books no labour and no parts before its quote is accepted (409
`quote_not_accepted`); a `contract` case is charged what its contract does not cover.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.clock import ahead
from shouhou.engine.context import Ctx
from shouhou.engine.runner import Step
from shouhou.errors import Conflict, Invalid
from shouhou.fields import local_iso
from shouhou.models import Case, Store, User
from shouhou.models.parts import CENTRAL
from shouhou.models.repairs import RepairDetail, RepairFee, RepairPart, RepairSession
from shouhou.parts import service as parts
from shouhou.policy.warranty import days_in_repair
from shouhou.repairs import repository as repo
from shouhou.repairs import settings as repair_settings
from shouhou.repairs.pricing import labour_fen
from shouhou.repairs.schemas import PartUse
from shouhou.units import service as units


def detail(step: Step) -> RepairDetail:
    return repo.detail(step.ctx.session, step.case.id)


def _books(payload: Any) -> bool:
    return bool(getattr(payload, "labour_minutes", 0) or getattr(payload, "parts", None))


def quote_not_accepted(case: Case) -> Conflict:
    return Conflict("quote_not_accepted", en="Case {case} is paid service: its quote must be accepted before work is "
                    "booked", zh="售后单 {case} 为有费服务，客户同意报价后才能登记工时和配件", case=case.no)


def may_book_work(step: Step) -> None:
    """Guard of log_work, finish_repair and complete_onsite (reads only)."""
    d, p = detail(step), step.payload
    # An installation is charged by its fee lines (the installation fee); a repair by its quote.
    if step.case.type == "repair" and d.service_type == "paid" and d.quote_status != "accepted" and _books(p):
        raise quote_not_accepted(step.case)
    repair_settings.check_fault_code(step.ctx, step.case.store_id, getattr(p, "fault_code", None))
    if getattr(p, "fee_lines", None) and d.service_type == "warranty":
        raise Invalid("no_fees_under_warranty", en="A warranty case is free; change its service type first",
                      zh="保修（免费服务）不收费；如需收费请先由主管变更服务类型")
    started, ended = getattr(p, "started_at", None), getattr(p, "ended_at", None)
    if started and ended and ended <= started:
        raise Invalid("invalid_session", en="ended_at must be after started_at", zh="结束时间须晚于开始时间")
    later = ahead(step.ctx.clock.now(), started_at=started, ended_at=ended)  # work is booked once done
    if later is not None:
        raise Invalid("invalid_session", en="{field} is in the future", zh="{field} 晚于当前时间", field=later)
    if step.action.name == "log_work" and p is not None and not p.model_dump(exclude_defaults=True):
        # an empty session would stand on the card and move the case's version for nothing
        raise Invalid("nothing_to_log", en="Say what was done: a diagnosis, time, parts or a note",
                      zh="请填写本次维修内容：诊断、工时、配件或备注")


def may_start_repair(step: Step) -> None:
    d = detail(step)
    if d.service_type == "paid" and d.quote_status != "accepted":
        raise quote_not_accepted(step.case)


def technician_name(ctx: Ctx, d: RepairDetail) -> str | None:
    if d.technician_id is None:
        return None
    user = ctx.session.get(User, d.technician_id)
    return user.username if user else None


def book(step: Step, *, onsite: bool, result: str | None = None) -> RepairSession:
    """One work session with its parts, as the payload gives them."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
    now = ctx.clock.now()
    minutes = p.labour_minutes or _minutes(getattr(p, "started_at", None), getattr(p, "ended_at", None))
    session = RepairSession(store_id=case.store_id, case_id=case.id, technician_id=ctx.actor.user_id,
                            technician=ctx.actor.name, started_at=getattr(p, "started_at", None),
                            ended_at=getattr(p, "ended_at", None) or now, minutes=minutes,
                            diagnosis=getattr(p, "diagnosis", None), fault_code=getattr(p, "fault_code", None),
                            note=getattr(p, "note", None) or getattr(p, "work_done", None), result=result,
                            onsite=onsite, created_at=now)
    ctx.session.add(session)
    ctx.session.flush()
    fitted = [fit_part(step, d, use, session, onsite) for use in p.parts]
    if d.service_type == "contract":
        _charge_uncovered(step, d, minutes, fitted)
    step.record["labour_minutes"] = minutes
    return session


def _minutes(started: datetime | None, ended: datetime | None) -> int:
    if started and ended and ended > started:
        return int((ended - started).total_seconds() // 60)
    return 0


def default_location(ctx: Ctx, d: RepairDetail, onsite: bool) -> str:
    """On site the parts come out of the technician's van; in the workshop, the central store."""
    if onsite:
        name = technician_name(ctx, d) or ctx.actor.name
        return parts.van(name)
    return CENTRAL


def fit_part(step: Step, d: RepairDetail, use: PartUse, session: RepairSession | None, onsite: bool) -> RepairPart:
    ctx, case = step.ctx, step.case
    location = use.location or default_location(ctx, d, onsite)
    part = parts.consume(ctx, case.store_id, use.sku, use.qty, location, case.id)
    row = RepairPart(store_id=case.store_id, case_id=case.id, session_id=session.id if session else None,
                     part_id=part.id, sku=part.sku, name=part.name, qty=use.qty, unit_price_fen=part.price_fen,
                     unit_cost_fen=part.cost_fen, old_serial=use.old_serial, new_serial=use.new_serial,
                     location=location, under_warranty=d.service_type == "warranty", created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    if row.under_warranty:
        parts.to_returns_bin(ctx, part, case.id, use.qty, use.old_serial)  # 旧件返还
    return row


def _charge_uncovered(step: Step, d: RepairDetail, minutes: int, fitted: list[RepairPart]) -> None:
    """合同服务: what the contract leaves out is charged at the price list."""
    ctx, case = step.ctx, step.case
    contract = units.contract_by_id(ctx, d.contract_id) if d.contract_id else None
    prices = repair_settings.of_store(ctx, case.store_id)
    lines: list[tuple[str, str, int]] = []
    if contract is not None and not contract.covers_labour and minutes:
        lines.append(("labour", f"工时 {minutes} 分钟（合同不含）", labour_fen(prices.hourly_rate_fen, minutes)))
    if contract is not None and not contract.covers_parts:
        lines += [("part", f"{p.name or p.sku} × {p.qty} (合同不含)", p.qty * p.unit_price_fen) for p in fitted]
    for kind, description, amount in lines:
        if amount:
            ctx.session.add(RepairFee(store_id=case.store_id, case_id=case.id, kind=kind, description=description,
                                      amount_fen=amount, source="contract", created_at=ctx.clock.now()))
    ctx.session.flush()


def charge_call_out(step: Step, d: RepairDetail) -> None:
    """A contract without call-outs pays the call-out fee once the technician has come."""
    ctx, case = step.ctx, step.case
    contract = units.contract_by_id(ctx, d.contract_id) if d.contract_id else None
    fee = repair_settings.of_store(ctx, case.store_id).call_out_fee_fen
    if d.service_type == "contract" and contract is not None and not contract.covers_call_out and fee:
        ctx.session.add(RepairFee(store_id=case.store_id, case_id=case.id, kind="call_out",
                                  description="上门费（合同不含）",
                                  amount_fen=fee, source="contract", created_at=ctx.clock.now()))
        ctx.session.flush()


def finished(step: Step, d: RepairDetail, result: str, kind_result: str | None = None) -> None:
    """The repair is done (or cannot be): the card's result, and a line of the unit's history."""
    ctx, p = step.ctx, step.payload
    d.result, d.finished_at = result, ctx.clock.now()
    if getattr(p, "diagnosis", None):
        d.diagnosis = p.diagnosis
    if getattr(p, "fault_code", None):
        d.fault_code = p.fault_code
    if d.unit_id is not None:
        fault = repair_settings.fault_codes(ctx, step.case.store_id).get(d.fault_code or "")
        units.finish_service(ctx, d.unit_id, step.case.id, result=kind_result or result, fault_code=d.fault_code,
                             serious=fault.serious if fault else True)
    step.record["result"] = result


# -- the actions ------------------------------------------------------------------------------

def start_repair(step: Step) -> None:
    d = detail(step)
    if d.technician_id is None and "technician" in step.ctx.actor.roles_in(step.case.store_id):
        d.technician_id = step.ctx.actor.user_id
        step.case.assignee_id = d.technician_id
        if step.case.first_owner_id is None:
            step.case.first_owner_id = d.technician_id


def log_work(step: Step) -> None:
    book(step, onsite=False)


def wait_parts(step: Step) -> None:
    detail(step).parts_waiting_since = step.ctx.clock.now()


def parts_arrived(step: Step) -> None:
    """The days waiting count towards 三包's parts-unavailable rule (SANBAO-12)."""
    d = detail(step)
    if d.parts_waiting_since is not None:
        waited = days_in_repair(d.parts_waiting_since, step.ctx.clock.now(), repair_settings_tz(step))
        d.parts_wait_days += waited
        step.record["waited_days"] = waited
    d.parts_waiting_since = None


def repair_settings_tz(step: Step) -> ZoneInfo:
    return ZoneInfo(step.ctx.session.get_one(Store, step.case.store_id).timezone)


def finish_repair(step: Step) -> None:
    d = detail(step)
    book(step, onsite=False, result=step.payload.result)
    finished(step, d, step.payload.result)


def session_documents(ctx: Ctx, case_id: int, tz: str) -> list[dict[str, Any]]:
    return [{"technician": s.technician, "started_at": local_iso(s.started_at, tz),
             "ended_at": local_iso(s.ended_at, tz),
             "minutes": s.minutes, "diagnosis": s.diagnosis, "fault_code": s.fault_code, "note": s.note,
             "result": s.result, "onsite": s.onsite} for s in repo.sessions(ctx.session, case_id)]
