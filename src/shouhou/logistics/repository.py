"""Queries of logistics cases: a case's detail, an open case about a parcel, the month's reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import Case, CaseLink, Order
from shouhou.models.logistics import LogisticsDetail


def detail(session: Session, case_id: int) -> LogisticsDetail:
    """The case's detail (read along with the case, it costs no query)."""
    return cache_of(session).keep(session.get_one(LogisticsDetail, case_id))


def add(session: Session, d: LogisticsDetail) -> None:
    session.add(d)
    cache_of(session).keep(d)


def open_case_for(session: Session, store_id: int, tracking_no: str, closed: tuple[str, ...]) -> str | None:
    """The number of an open logistics case about this parcel, if any."""
    return session.scalars(
        select(Case.no).join(LogisticsDetail, LogisticsDetail.case_id == Case.id)
        .where(LogisticsDetail.store_id == store_id, LogisticsDetail.tracking_no == tracking_no,
               Case.status.not_in(closed)).limit(1)).first()


def reports_between(session: Session, store_id: int, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """The store's reports made in [start, end), oldest first, with their case's number, status and order no."""
    return [tuple(r) for r in session.execute(
        select(LogisticsDetail, Case.no, Case.status, Order.order_no)
        .join(Case, Case.id == LogisticsDetail.case_id)
        .outerjoin(Order, Order.id == Case.order_id)
        .where(LogisticsDetail.store_id == store_id, LogisticsDetail.reported_at >= start,
               LogisticsDetail.reported_at < end)
        .order_by(LogisticsDetail.reported_at, LogisticsDetail.case_id))]


def link_exists(session: Session, case_id: int, other_id: int, kind: str) -> bool:
    return session.scalars(select(CaseLink.id).where(CaseLink.case_id == case_id, CaseLink.other_case_id == other_id,
                                                     CaseLink.kind == kind)).first() is not None


def cases_with_tracking(text: str) -> Any:
    """The case list's search: logistics cases whose parcel (or reshipment) has this tracking number."""
    return select(LogisticsDetail.case_id).where(
        (LogisticsDetail.tracking_no == text) | (LogisticsDetail.reship_tracking_no == text))
