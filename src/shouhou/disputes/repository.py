from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import Case
from shouhou.models.dispute import DisputeDetail

OPEN = ("open", "in_review")


def detail(session: Session, case_id: int) -> DisputeDetail:
    """The dispute's detail (read along with the case, it costs no query)."""
    return cache_of(session).keep(session.get_one(DisputeDetail, case_id))


def add(session: Session, d: DisputeDetail) -> None:
    session.add(d)
    cache_of(session).keep(d)


def open_on_order(session: Session, order_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Case)
                              .where(Case.order_id == order_id, Case.type == "dispute", Case.status.in_(OPEN))) or 0)
