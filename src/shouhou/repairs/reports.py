"""Figures of the repair department: the re-repair rate (返修率, seed 001's target under 2 %) and
each maker's warranty claim (旧件返还: the parts they take back and the labour they reimburse)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.errors import forbidden
from shouhou.fields import local_iso, yuan
from shouhou.models import Case
from shouhou.models.repairs import RepairDetail, RepairPart
from shouhou.parts import service as parts
from shouhou.repairs import repository as repo
from shouhou.repairs import settings as repair_settings
from shouhou.repairs.outlets import month_bounds
from shouhou.repairs.pricing import labour_fen


def case_when_rework():
    return sql_case((RepairDetail.rework.is_(True), 1), else_=0)


READERS = frozenset({"supervisor", "admin", "finance", "platform"})
REWORK_TARGET_BP = 200  # 2.00 %


def _store(ctx: Ctx, code: str | None):
    store = accounts.store_for_caller(ctx, code)
    if not ctx.actor.roles_in(store.id) & READERS:
        raise forbidden("report.read", store=store.code)
    return store


def _month(text: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first, after = month_bounds(text)
    return datetime.combine(first, time(0), tzinfo=tz), datetime.combine(after, time(0), tzinfo=tz)


def rework_rate(ctx: Ctx, store_code: str | None, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Repair calls registered in the period, and how many were re-repairs of a unit repaired shortly before."""
    store = _store(ctx, store_code)
    stmt = (select(func.count(), func.coalesce(func.sum(case_when_rework()), 0))
            .select_from(Case).join(RepairDetail, RepairDetail.case_id == Case.id)
            .where(Case.store_id == store.id, Case.type == "repair", RepairDetail.kind == "repair",
                   Case.status != "cancelled"))
    if since is not None:
        stmt = stmt.where(Case.created_at >= since)
    if until is not None:
        stmt = stmt.where(Case.created_at < until)
    total, rework = (int(x) for x in ctx.session.execute(stmt).one())
    rate_bp = (rework * 10_000 + total // 2) // total if total else 0
    return {"store": store.code, "from": local_iso(since, store.timezone), "to": local_iso(until, store.timezone),
            "repairs": total, "rework": rework, "rework_rate": f"{rate_bp // 100}.{rate_bp % 100:02d}",
            "target": "2.00", "met": rate_bp < REWORK_TARGET_BP,
            "rework_days": repair_settings.of_store(ctx, store.id).rework_days}


def warranty_claims(ctx: Ctx, store_code: str | None, month: str, maker: str | None) -> dict[str, Any]:
    """Per maker: each completed warranty case of the month with the maker's parts fitted under warranty,
    the labour at the store's hourly rate, and the amounts to claim."""
    store = _store(ctx, store_code)
    tz = ZoneInfo(store.timezone)
    since, until = _month(month, tz)
    rate = repair_settings.of_store(ctx, store.id).hourly_rate_fen
    rows = ctx.session.execute(
        select(Case, RepairPart).join(RepairPart, RepairPart.case_id == Case.id)
        .where(Case.store_id == store.id, Case.status == "completed", Case.closed_at >= since, Case.closed_at < until,
               RepairPart.under_warranty.is_(True)).order_by(Case.closed_at, RepairPart.id))
    by_case: dict[int, tuple[Case, list[RepairPart]]] = {}
    for case, part in rows:
        by_case.setdefault(case.id, (case, []))[1].append(part)
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case, fitted in by_case.values():
        makers = {p.part_id: parts.maker_of(ctx, p.part_id) for p in fitted}
        first_maker = makers[fitted[0].part_id]
        minutes = sum(s.minutes for s in repo.sessions(ctx.session, case.id))
        returned = {o.sku: o.status for o in parts.old_parts_of(ctx, case.id)}
        for who in dict.fromkeys(makers.values()):
            if maker and who != maker:
                continue
            mine = [p for p in fitted if makers[p.part_id] == who]
            parts_fen = sum(p.qty * p.unit_cost_fen for p in mine)
            labour = labour_fen(rate, minutes) if who == first_maker else 0
            claims[who].append({
                "case": case.no, "completed_at": local_iso(case.closed_at, tz),
                "parts": [{"sku": p.sku, "qty": p.qty, "cost": yuan(p.unit_cost_fen), "old_serial": p.old_serial,
                           "new_serial": p.new_serial, "returned": returned.get(p.sku)} for p in mine],
                "labour_minutes": minutes if who == first_maker else 0, "labour": yuan(labour),
                "parts_amount": yuan(parts_fen), "amount": yuan(parts_fen + labour), "amount_fen": parts_fen + labour})
    return {"store": store.code, "month": month, "hourly_rate": yuan(rate), "makers": [
        {"maker": who, "cases": [{k: v for k, v in x.items() if k != "amount_fen"} for x in lines],
         "total": yuan(sum(x["amount_fen"] for x in lines))}
        for who, lines in sorted(claims.items())]}
