"""Every query of the repair context, built from a Session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import Case, CaseLink, User
from shouhou.models.repairs import (
    FaultCode,
    RepairDetail,
    RepairFee,
    RepairPart,
    RepairPayment,
    RepairQuoteLine,
    RepairSession,
    RepairSettings,
    Signature,
    Technician,
    TechnicianReport,
    WorkLog,
    WorkshopEntry,
)

OPEN_CLOSED = ("completed", "cancelled")


def detail(session: Session, case_id: int) -> RepairDetail:
    return cache_of(session).get(("repair_detail", case_id), lambda: session.get_one(RepairDetail, case_id))


def new_detail(session: Session, d: RepairDetail) -> RepairDetail:
    session.add(d)
    session.flush()
    return cache_of(session).put(("repair_detail", d.case_id), d)


def sessions(session: Session, case_id: int) -> list[RepairSession]:
    return list(session.scalars(select(RepairSession).where(RepairSession.case_id == case_id)
                                .order_by(RepairSession.id)))


def parts(session: Session, case_id: int) -> list[RepairPart]:
    return list(session.scalars(select(RepairPart).where(RepairPart.case_id == case_id).order_by(RepairPart.id)))


def quote_lines(session: Session, case_id: int) -> list[RepairQuoteLine]:
    return list(session.scalars(select(RepairQuoteLine).where(RepairQuoteLine.case_id == case_id)
                                .order_by(RepairQuoteLine.id)))


def fees(session: Session, case_id: int) -> list[RepairFee]:
    return list(session.scalars(select(RepairFee).where(RepairFee.case_id == case_id).order_by(RepairFee.id)))


def payments(session: Session, case_id: int) -> list[RepairPayment]:
    return list(session.scalars(select(RepairPayment).where(RepairPayment.case_id == case_id)
                                .order_by(RepairPayment.id)))


def signatures(session: Session, case_id: int) -> list[Signature]:
    return list(session.scalars(select(Signature).where(Signature.case_id == case_id).order_by(Signature.id)))


def signature(session: Session, case_id: int, signature_id: int) -> Signature | None:
    return session.scalars(select(Signature).where(Signature.case_id == case_id, Signature.id == signature_id)).first()


def open_entry(session: Session, case_id: int) -> WorkshopEntry | None:
    return session.scalars(select(WorkshopEntry).where(WorkshopEntry.case_id == case_id, WorkshopEntry.out_at.is_(None))
                           .order_by(WorkshopEntry.id.desc())).first()


def register(session: Session, store_ids: set[int] | None, *, open_only: bool, since: datetime | None,
             until: datetime | None, limit: int) -> list[tuple[WorkshopEntry, Case]]:
    stmt = select(WorkshopEntry, Case).join(Case, Case.id == WorkshopEntry.case_id)
    if store_ids is not None:
        stmt = stmt.where(WorkshopEntry.store_id.in_(store_ids))
    if open_only:
        stmt = stmt.where(WorkshopEntry.out_at.is_(None))
    if since is not None:
        stmt = stmt.where(or_(WorkshopEntry.in_at >= since, WorkshopEntry.out_at >= since))
    if until is not None:
        stmt = stmt.where(WorkshopEntry.in_at < until)
    return [(e, c) for e, c in session.execute(stmt.order_by(WorkshopEntry.in_at.desc(), WorkshopEntry.id.desc())
                                               .limit(limit))]


def links(session: Session, case_id: int) -> list[tuple[CaseLink, Case]]:
    mine = session.execute(select(CaseLink, Case).join(Case, Case.id == CaseLink.other_case_id)
                           .where(CaseLink.case_id == case_id)).all()
    theirs = session.execute(select(CaseLink, Case).join(Case, Case.id == CaseLink.case_id)
                             .where(CaseLink.other_case_id == case_id)).all()
    return [(link, other) for link, other in [*mine, *theirs]]


def settings(session: Session, store_id: int) -> RepairSettings | None:
    return session.scalars(select(RepairSettings).where(RepairSettings.store_id == store_id)).first()


def fault_codes(session: Session, store_id: int) -> list[FaultCode]:
    return list(session.scalars(select(FaultCode).where(FaultCode.store_id == store_id).order_by(FaultCode.code)))


def technician(session: Session, store_id: int, user_id: int) -> Technician | None:
    return session.scalars(select(Technician).where(Technician.store_id == store_id,
                                                    Technician.user_id == user_id)).first()


def technicians(session: Session, store_id: int) -> list[tuple[Technician, User]]:
    rows = session.execute(select(Technician, User).join(User, User.id == Technician.user_id)
                           .where(Technician.store_id == store_id, Technician.active.is_(True))
                           .order_by(User.username))
    return [(t, u) for t, u in rows]


def appointments(session: Session, technician_id: int, start: datetime, end: datetime,
                 exclude_case_id: int | None = None) -> list[tuple[RepairDetail, Case]]:
    """Open cases of the technician whose window overlaps [start, end)."""
    stmt = (select(RepairDetail, Case).join(Case, Case.id == RepairDetail.case_id)
            .where(RepairDetail.technician_id == technician_id, RepairDetail.window_start < end,
                   RepairDetail.window_end > start, Case.status.not_in(OPEN_CLOSED)))
    if exclude_case_id is not None:
        stmt = stmt.where(Case.id != exclude_case_id)
    return [(d, c) for d, c in session.execute(stmt.order_by(RepairDetail.window_start))]


def open_load(session: Session, technician_ids: list[int]) -> dict[int, int]:
    """Open cases per technician."""
    if not technician_ids:
        return {}
    rows = session.execute(select(RepairDetail.technician_id, func.count()).join(Case, Case.id == RepairDetail.case_id)
                           .where(RepairDetail.technician_id.in_(technician_ids), Case.status.not_in(OPEN_CLOSED))
                           .group_by(RepairDetail.technician_id))
    return {tid: int(n) for tid, n in rows if tid is not None}


def cases_in_state(session: Session, store_ids: set[int] | None, case_type: str | None, statuses: list[str],
                   limit: int = 500) -> list[tuple[Case, RepairDetail]]:
    stmt = select(Case, RepairDetail).join(RepairDetail, RepairDetail.case_id == Case.id)
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    if case_type:
        stmt = stmt.where(Case.type == case_type)
    if statuses:
        stmt = stmt.where(Case.status.in_(statuses))
    return [(c, d) for c, d in session.execute(stmt.order_by(Case.id).limit(limit))]


def report_by_id(session: Session, store_id: int, report_id: str) -> TechnicianReport | None:
    return session.scalars(select(TechnicianReport).where(TechnicianReport.store_id == store_id,
                                                          TechnicianReport.report_id == report_id)).first()


def work_logs(session: Session, store_ids: set[int] | None, user_id: int | None, since: datetime | None,
              until: datetime | None, limit: int = 500) -> list[tuple[WorkLog, User]]:
    stmt = select(WorkLog, User).join(User, User.id == WorkLog.user_id)
    if store_ids is not None:
        stmt = stmt.where(WorkLog.store_id.in_(store_ids))
    if user_id is not None:
        stmt = stmt.where(WorkLog.user_id == user_id)
    if since is not None:
        stmt = stmt.where(WorkLog.at >= since)
    if until is not None:
        stmt = stmt.where(WorkLog.at < until)
    return [(w, u) for w, u in session.execute(stmt.order_by(WorkLog.at.desc()).limit(limit))]


def recent_repairs_with_parts(session: Session, store_id: int, since: datetime, until: datetime) -> list[Case]:
    return list(session.scalars(select(Case).join(RepairDetail, RepairDetail.case_id == Case.id)
                                .where(Case.store_id == store_id, Case.closed_at >= since, Case.closed_at < until,
                                       Case.status == "completed").order_by(Case.closed_at)))
