"""Type D work (一般行政工作, seed 000 (六)): inspections, parts management, tool upkeep, training —
not a customer case, but time that adds up in the technicians' reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shouhou.accounts import service as accounts
from shouhou.clock import ahead
from shouhou.db.cache import by_ids
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, forbidden
from shouhou.fields import local_iso
from shouhou.models import Store, User
from shouhou.models.repairs import WORK_LOG_KINDS, WorkLog
from shouhou.repairs import repository as repo

LOGGERS = frozenset({"technician", "supervisor"})
READERS = frozenset({"technician", "supervisor", "admin"})


def add(ctx: Ctx, *, store_code: str | None, technician: str | None, kind: str, minutes: int, note: str,
        at: datetime | None) -> WorkLog:
    store = accounts.store_for_caller(ctx, store_code)
    mine = ctx.actor.roles_in(store.id)
    if not mine & LOGGERS:
        raise forbidden("work_log.write", store=store.code)
    if kind not in WORK_LOG_KINDS:
        raise Invalid("invalid_kind", en="kind is one of {kinds}", zh="kind 须为 {kinds} 之一",
                      kinds=list(WORK_LOG_KINDS))
    if not 1 <= minutes <= 24 * 60:
        raise Invalid("invalid_minutes", en="minutes is from 1 to 1440", zh="分钟数须在 1 到 1440 之间")
    if ahead(ctx.clock.now(), at=at) is not None:  # time is logged once spent, as on a repair card
        raise Invalid("invalid_time", en="{field} is in the future", zh="{field} 晚于当前时间", field="at")
    name = technician or ctx.actor.name
    if name != ctx.actor.name and "supervisor" not in mine:
        raise forbidden("work_log.write_for_others", store=store.code)
    user = accounts.find_staff(ctx, name, store.id, frozenset({"technician", "supervisor"}))
    row = WorkLog(store_id=store.id, user_id=user.id, kind=kind, minutes=minutes, note=note,
                  at=at or ctx.clock.now(), created_by=ctx.actor.name, created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    return row


def listing(ctx: Ctx, *, store_code: str | None, technician: str | None, since: datetime | None,
            until: datetime | None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    mine = ctx.actor.roles_in(store.id)
    if not mine & READERS:
        raise forbidden("work_log.read", store=store.code)
    if "technician" in mine and not mine & {"supervisor", "admin"}:
        technician = ctx.actor.name  # a technician sees their own
    user_id = accounts.get_user(ctx.session, technician).id if technician else None
    rows = repo.work_logs(ctx.session, {store.id}, user_id, since, until)
    stores = by_ids(ctx.session, Store, (w.store_id for w, _ in rows))
    items = [{"id": w.id, "technician": u.username, "kind": w.kind, "minutes": w.minutes, "note": w.note,
              "at": local_iso(w.at, stores[w.store_id].timezone), "by": w.created_by} for w, u in rows]
    totals: dict[str, dict[str, int]] = {}
    for w, u in rows:
        per = totals.setdefault(u.username, {})
        per[w.kind] = per.get(w.kind, 0) + w.minutes
    return {"items": items, "minutes": {who: {**kinds, "total": sum(kinds.values())} for who, kinds in totals.items()}}


def document(ctx: Ctx, row: WorkLog) -> dict[str, Any]:
    store = ctx.session.get_one(Store, row.store_id)
    return {"id": row.id, "technician": ctx.session.get_one(User, row.user_id).username, "kind": row.kind,
            "minutes": row.minutes, "note": row.note, "at": local_iso(row.at, store.timezone), "by": row.created_by}
