"""Queries of complaints: a complaint's detail, and the findings accountability counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import User
from shouhou.models.complaint import ComplaintDetail


def detail(session: Session, case_id: int) -> ComplaintDetail:
    """The complaint's detail (read along with the case, it costs no query)."""
    return cache_of(session).keep(session.get_one(ComplaintDetail, case_id))


def add(session: Session, d: ComplaintDetail) -> None:
    session.add(d)
    cache_of(session).keep(d)


Row = tuple[datetime, str, str | None, str | None, str | None]


def findings_until(session: Session, store_id: int, until: datetime) -> list[Row]:
    """Every founded complaint whose proposal a supervisor approved before `until`, oldest first:
    (approved at, responsible kind, staff user name, department, supplier)."""
    rows = session.execute(
        select(ComplaintDetail.approved_at, ComplaintDetail.responsible, User.username,
               ComplaintDetail.responsible_department, ComplaintDetail.supplier)
        .outerjoin(User, User.id == ComplaintDetail.responsible_user_id)
        .where(ComplaintDetail.store_id == store_id, ComplaintDetail.substantiated.is_(True),
               ComplaintDetail.approved_at.is_not(None), ComplaintDetail.approved_at < until)
        .order_by(ComplaintDetail.approved_at))
    # approved_at and responsible are set on every row the filter keeps
    return [(r[0], r[1] or "none", r[2], r[3], r[4]) for r in rows if r[0] is not None]
