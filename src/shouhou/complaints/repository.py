"""Queries of complaints: a complaint's detail, and the findings accountability counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import Case, User
from shouhou.models.complaint import ComplaintDetail


def detail(session: Session, case_id: int) -> ComplaintDetail:
    """The complaint's detail (read along with the case, it costs no query)."""
    return cache_of(session).keep(session.get_one(ComplaintDetail, case_id))


def add(session: Session, d: ComplaintDetail) -> None:
    session.add(d)
    cache_of(session).keep(d)


Row = tuple[datetime, str, str | None, str | None, str | None]


def findings_until(session: Session, store_id: int, until: datetime) -> list[Row]:
    """Every approved finding of a founded complaint dated before `until`, oldest first:
    (found at, responsible kind, staff user name, department, supplier)."""
    rows = session.execute(
        select(ComplaintDetail.found_at, ComplaintDetail.found_responsible, User.username,
               ComplaintDetail.found_department, ComplaintDetail.found_supplier)
        .outerjoin(User, User.id == ComplaintDetail.found_user_id)
        .where(ComplaintDetail.store_id == store_id, ComplaintDetail.found_at.is_not(None),
               ComplaintDetail.found_at < until)
        .order_by(ComplaintDetail.found_at))
    # found_at and found_responsible are set together (effects.approve_proposal)
    return [(r[0], r[1] or "none", r[2], r[3], r[4]) for r in rows if r[0] is not None]


def complaints_until(session: Session, store_id: int, until: datetime) -> list[tuple]:
    """Every complaint of the store opened before `until`, with what the monthly analysis reads:
    (created, closed, status, category, found, agreed, compensation in fen, follow-ups)."""
    return [tuple(r) for r in session.execute(
        select(Case.created_at, Case.closed_at, Case.status, ComplaintDetail.category, ComplaintDetail.found_at,
               ComplaintDetail.agreed_at, ComplaintDetail.compensation_fen, ComplaintDetail.follow_ups)
        .join(ComplaintDetail, ComplaintDetail.case_id == Case.id)
        .where(Case.store_id == store_id, Case.type == "complaint", Case.created_at < until)
        .order_by(Case.id))]
