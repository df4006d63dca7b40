"""Authorised service outlets (服务网点): an organisation with its own technicians, area and fee
schedule. Cases are dispatched to an outlet, whose supervisor dispatches its technicians; at month
end the outlet's statement lists each completed case with its fee, exact to the fen, for the maker
to approve and pay."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.errors import Conflict, Invalid, forbidden, not_found
from shouhou.fields import EARLIEST, LATEST, local_iso, yuan
from shouhou.models import Case, Store, User
from shouhou.models.outlets import Outlet, OutletStatement
from shouhou.models.repairs import RepairDetail
from shouhou.money import div_round_half_up
from shouhou.repairs import repository as repo
from shouhou.repairs.schemas import NewOutletIn

MANAGERS = frozenset({"supervisor", "admin"})
READERS = frozenset({"supervisor", "admin", "finance"})
PAYERS = frozenset({"finance", "admin"})
VIEWERS = READERS | {"agent", "technician"}  # who may list the outlets
JOB_KINDS = ("repair", "maintenance", "installation")


def by_code(ctx: Ctx, store_id: int, code: str) -> Outlet | None:
    return ctx.session.scalars(select(Outlet).where(Outlet.store_id == store_id, Outlet.code == code)).first()


def outlet_id(ctx: Ctx, store_id: int, code: str) -> int:
    outlet = by_code(ctx, store_id, code)
    if outlet is None or not outlet.active:
        raise not_found("outlet", code)
    return outlet.id


def create(ctx: Ctx, store_code: str | None, body: NewOutletIn) -> Outlet:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & MANAGERS:
        raise forbidden("outlet.write", store=store.code)
    if by_code(ctx, store.id, body.code) is not None:
        raise Conflict("outlet_exists", en="Outlet {code} already exists", zh="网点 {code} 已存在", code=body.code)
    supervisors = list(dict.fromkeys(body.supervisors))
    for name in supervisors:
        accounts.find_staff(ctx, name, store.id, frozenset({"supervisor"}))
    outlet = Outlet(store_id=store.id, code=body.code, name=body.name or body.code, areas=list(body.areas),
                    job_fees=dict(body.job_fees), per_km_fen=body.per_km, radius_km=body.radius_km,
                    parts_margin_bp=body.parts_margin_percent, supervisors=supervisors, active=True,
                    created_at=ctx.clock.now())
    ctx.session.add(outlet)
    ctx.session.flush()
    return outlet


def listing(ctx: Ctx, store_code: str | None) -> list[Outlet]:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & VIEWERS:
        raise forbidden("outlet.read", store=store.code)
    return list(ctx.session.scalars(select(Outlet).where(Outlet.store_id == store.id).order_by(Outlet.code)))


def document(outlet: Outlet) -> dict[str, Any]:
    return {"code": outlet.code, "name": outlet.name, "areas": outlet.areas,
            "job_fees": {k: yuan(v) for k, v in outlet.job_fees.items()}, "per_km": yuan(outlet.per_km_fen),
            "radius_km": outlet.radius_km, "parts_margin_percent": yuan(outlet.parts_margin_bp),
            "supervisors": outlet.supervisors, "active": outlet.active}


def outlet_of_supervisor(ctx: Ctx, store_id: int, username: str) -> Outlet | None:
    return next((o for o in ctx.session.scalars(select(Outlet).where(Outlet.store_id == store_id))
                 if username in (o.supervisors or [])), None)


def check_dispatcher(ctx: Ctx, case: Case, d: RepairDetail) -> None:
    """An outlet's supervisor dispatches only the cases given to that outlet."""
    mine = outlet_of_supervisor(ctx, case.store_id, ctx.actor.name)
    if mine is not None and d.outlet_id != mine.id:
        raise forbidden("dispatch.other_outlet", case=case.no, outlet=mine.code)


# -- the monthly statement ----------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_bounds(text: str) -> tuple[date, date]:
    """A month written yyyy-mm (years 1900-2200): its first day and the next month's."""
    found = MONTH.match(text)
    if found is None or not EARLIEST <= int(found[1]) <= LATEST:
        raise Invalid("invalid_month", en="The month is yyyy-mm", zh="月份格式为 yyyy-mm", month=text)
    year, month = int(found[1]), int(found[2])
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)



def line_amount(outlet: Outlet, kind: str, distance_km: int, parts_cost_fen: int) -> tuple[int, int, int]:
    """(job fee, distance fee, parts at cost plus the margin), each exact to the fen."""
    job = outlet.job_fees.get(kind, outlet.job_fees.get("repair", 0))
    km = max(0, distance_km - outlet.radius_km) * outlet.per_km_fen
    parts = div_round_half_up(parts_cost_fen * (10_000 + outlet.parts_margin_bp), 10_000)
    return job, km, parts


def statement(ctx: Ctx, code: str, month: str, store_code: str | None = None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    outlet = by_code(ctx, store.id, code)
    if outlet is None:
        raise not_found("outlet", code)
    if not (ctx.actor.roles_in(store.id) & READERS) and ctx.actor.name not in (outlet.supervisors or []):
        raise forbidden("outlet.statement", outlet=code)
    frozen = _frozen(ctx, outlet, month)
    if frozen is not None:
        return _frozen_document(outlet, frozen, store.timezone)
    lines = _lines(ctx, store, outlet, month)
    return {"outlet": outlet.code, "month": month, "status": "draft", "lines": _shown(lines),
            "total": yuan(sum(line["amount_fen"] for line in lines)), "approved_by": None, "approved_at": None,
            "paid_at": None, "paid_ref": None}


def _shown(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines as the API shows them: money in yuan only (the fen are for the totals)."""
    return [{k: v for k, v in line.items() if k != "amount_fen"} for line in lines]


def _lines(ctx: Ctx, store: Store, outlet: Outlet, month: str) -> list[dict[str, Any]]:
    first, after = month_bounds(month)
    tz = ZoneInfo(store.timezone)
    since, until = datetime.combine(first, time(0), tzinfo=tz), datetime.combine(after, time(0), tzinfo=tz)
    rows = ctx.session.execute(select(Case, RepairDetail).join(RepairDetail, RepairDetail.case_id == Case.id)
                               .where(RepairDetail.outlet_id == outlet.id, Case.status == "completed",
                                      Case.closed_at >= since, Case.closed_at < until).order_by(Case.closed_at))
    out = []
    for case, d in rows:
        cost = sum(p.qty * p.unit_cost_fen for p in repo.parts(ctx.session, case.id))
        job, km, parts = line_amount(outlet, d.kind, d.distance_km, cost)
        tech = ctx.session.get(User, d.technician_id) if d.technician_id else None
        out.append({"case": case.no, "kind": d.kind, "completed_at": local_iso(case.closed_at, tz),
                    "technician": tech.username if tech else None, "distance_km": d.distance_km,
                    "job_fee": yuan(job), "distance_fee": yuan(km), "parts_cost": yuan(cost), "parts": yuan(parts),
                    "amount": yuan(job + km + parts), "amount_fen": job + km + parts})
    return out


def _frozen(ctx: Ctx, outlet: Outlet, month: str) -> OutletStatement | None:
    month_bounds(month)
    return ctx.session.scalars(select(OutletStatement).where(OutletStatement.outlet_id == outlet.id,
                                                             OutletStatement.month == month)).first()


def _frozen_document(outlet: Outlet, s: OutletStatement, tz: str) -> dict[str, Any]:
    return {"outlet": outlet.code, "month": s.month, "status": s.status, "lines": _shown(s.lines),
            "total": yuan(s.total_fen),
            "approved_by": s.approved_by, "approved_at": local_iso(s.approved_at, tz),
            "paid_at": local_iso(s.paid_at, tz), "paid_ref": s.paid_ref}


def approve(ctx: Ctx, code: str, month: str, store_code: str | None = None) -> dict[str, Any]:
    """The maker approves the month: the statement is frozen as it stands."""
    store = accounts.store_for_caller(ctx, store_code)
    outlet = by_code(ctx, store.id, code)
    if outlet is None:
        raise not_found("outlet", code)
    if not ctx.actor.roles_in(store.id) & MANAGERS or ctx.actor.name in (outlet.supervisors or []):
        raise forbidden("outlet.approve", outlet=code)
    if _frozen(ctx, outlet, month) is not None:
        raise Conflict("statement_approved", en="The {month} statement is already approved",
                       zh="{month} 结算单已审核", month=month)
    over = datetime.combine(month_bounds(month)[1], time(0), tzinfo=ZoneInfo(store.timezone))
    if ctx.clock.now() < over:  # frozen now, the month's later jobs would be on no statement, never paid
        raise Conflict("month_not_over", en="The {month} statement can be approved once the month is over, from {over}",
                       zh="{month} 结算单须在该月结束后审核（{over} 起）", month=month, over=over.isoformat())
    lines = _lines(ctx, store, outlet, month)
    ctx.session.add(OutletStatement(store_id=store.id, outlet_id=outlet.id, month=month, status="approved",
                                    total_fen=sum(line["amount_fen"] for line in lines), lines=lines,
                                    approved_by=ctx.actor.name, approved_at=ctx.clock.now(),
                                    created_at=ctx.clock.now()))
    ctx.session.flush()
    return statement(ctx, code, month, store.code)


def pay(ctx: Ctx, code: str, month: str, ref: str, store_code: str | None = None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    outlet = by_code(ctx, store.id, code)
    if outlet is None:
        raise not_found("outlet", code)
    if not ctx.actor.roles_in(store.id) & PAYERS:
        raise forbidden("outlet.pay", outlet=code)
    frozen = _frozen(ctx, outlet, month)
    if frozen is None or frozen.status != "approved":
        raise Conflict("statement_not_approved", en="Only an approved, unpaid statement can be paid",
                       zh="只有已审核且未付款的结算单可以付款")
    frozen.status, frozen.paid_at, frozen.paid_ref = "paid", ctx.clock.now(), ref
    ctx.session.flush()
    return statement(ctx, code, month, store.code)
