"""问题统计: how often each problem comes up per product over a period — the reason codes of refunds,
returns and exchanges (per SKU) and the fault codes of repairs (per model) — each linked to the
knowledge-base article tagged with its code, where there is one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.models import Case, CaseLine, ReturnDetail
from shouhou.models.desk import KbArticle
from shouhou.models.repairs import RepairDetail


def problem_stats(ctx: Ctx, store_code: str | None, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    require(ctx.actor, "case.read", store.id)

    def period(stmt: Any) -> Any:
        stmt = stmt.where(Case.store_id == store.id)
        if since is not None:
            stmt = stmt.where(Case.created_at >= since)
        if until is not None:
            stmt = stmt.where(Case.created_at < until)
        return stmt

    count = func.count(func.distinct(Case.id))
    reasons = ctx.session.execute(period(
        select(CaseLine.sku, ReturnDetail.reason_code, count).join(ReturnDetail, ReturnDetail.case_id == Case.id)
        .join(CaseLine, CaseLine.case_id == Case.id)).group_by(CaseLine.sku, ReturnDetail.reason_code)).all()
    faults = ctx.session.execute(period(
        select(RepairDetail.model, RepairDetail.fault_code, count).join(RepairDetail, RepairDetail.case_id == Case.id)
        .where(RepairDetail.fault_code.is_not(None))).group_by(RepairDetail.model, RepairDetail.fault_code)).all()
    articles = list(ctx.session.scalars(select(KbArticle).where(KbArticle.store_id == store.id)
                                        .order_by(KbArticle.id)))

    def article_for(code: str) -> dict[str, Any] | None:
        found = next((a for a in articles if code in a.tags), None)
        return {"id": found.id, "title": found.title} if found else None

    items = [{"kind": "reason", "product": sku, "code": code, "count": int(n), "article": article_for(code)}
             for sku, code, n in reasons]
    items += [{"kind": "fault", "product": model, "code": code, "count": int(n), "article": article_for(code)}
              for model, code, n in faults]
    items.sort(key=lambda i: (-i["count"], i["product"], i["code"]))
    return {"store": store.code, "items": items}
