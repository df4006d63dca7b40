"""Queries of review handling: a review's detail, an open one on the same item, the month's register."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import Case, Order
from shouhou.models.review import ReviewDetail


def detail(session: Session, case_id: int) -> ReviewDetail:
    """The review's detail (read along with the case, it costs no query)."""
    return cache_of(session).keep(session.get_one(ReviewDetail, case_id))


def add(session: Session, d: ReviewDetail) -> None:
    session.add(d)
    cache_of(session).keep(d)


def open_on(session: Session, order_id: int, platform: str, sku: str | None) -> int:
    """Open review cases of the order on the same platform and item."""
    stmt = (select(func.count()).select_from(Case).join(ReviewDetail, ReviewDetail.case_id == Case.id)
            .where(Case.order_id == order_id, Case.type == "review", Case.closed_at.is_(None),
                   ReviewDetail.platform == platform))
    stmt = stmt.where(ReviewDetail.sku == sku) if sku else stmt.where(ReviewDetail.sku.is_(None))
    return int(session.scalar(stmt) or 0)


def written_between(session: Session, store_id: int, start: datetime, end: datetime) -> list[tuple[Case, ReviewDetail,
                                                                                                   str | None]]:
    """The reviews written in [start, end), oldest first, with their order numbers."""
    rows = session.execute(
        select(Case, ReviewDetail, Order.order_no).join(ReviewDetail, ReviewDetail.case_id == Case.id)
        .outerjoin(Order, Order.id == Case.order_id)
        .where(ReviewDetail.store_id == store_id, ReviewDetail.reviewed_at >= start, ReviewDetail.reviewed_at < end)
        .order_by(ReviewDetail.reviewed_at, Case.id))
    return [(c, d, no) for c, d, no in rows]
