"""Every query of the desk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from shouhou.db.cache import add_companion, cache_of, companion
from shouhou.db.filters import is_state
from shouhou.engine.runner import events_written
from shouhou.models import Case, CaseEvent, Customer, Store, Timer, User
from shouhou.models.desk import (
    CannedReply,
    CaseDesk,
    CaseFollower,
    DeskMessage,
    DeskPresence,
    DeskSettings,
    KbArticle,
    OutboundMessage,
    RoutingRule,
    SlaClock,
    SlaPolicy,
    Team,
    TeamMember,
)

# -- settings ---------------------------------------------------------------------------------


def settings_of(session: Session, store_id: int) -> DeskSettings | None:
    return session.scalars(select(DeskSettings).where(DeskSettings.store_id == store_id)).first()


def settings_for_update(session: Session, store_id: int, now: datetime) -> DeskSettings:
    row = settings_of(session, store_id)
    if row is None:
        row = DeskSettings(store_id=store_id, exceptions=[], mail={}, updated_at=now)
        session.add(row)
    return row


def settings_by_address(session: Session, address: str) -> DeskSettings | None:
    return session.scalars(select(DeskSettings).where(DeskSettings.address == address.lower())).first()


def stores_with_mail(session: Session) -> list[DeskSettings]:
    return list(session.scalars(select(DeskSettings).where(DeskSettings.address.is_not(None))))


def sla_policies(session: Session, store_id: int) -> list[SlaPolicy]:
    return list(session.scalars(select(SlaPolicy).where(SlaPolicy.store_id == store_id).order_by(SlaPolicy.position)))


def replace_sla_policies(session: Session, store_id: int, items: list[tuple[str, dict[str, Any]]]) -> None:
    for row in sla_policies(session, store_id):
        session.delete(row)
    session.flush()
    for i, (name, data) in enumerate(items):
        session.add(SlaPolicy(store_id=store_id, position=i, name=name, data=data))


# -- cases and their events -------------------------------------------------------------------

_EVENTS = (select(CaseEvent.at, CaseEvent.action, CaseEvent.to_status, CaseEvent.actor_role, CaseEvent.visibility,
                  CaseEvent.payload, CaseEvent.seq).order_by(CaseEvent.seq))
_CASE_EVENTS = _EVENTS.where(CaseEvent.case_id == bindparam("case_id"))  # built once: every document reads it


def events_of(session: Session, case_id: int) -> list[Any]:
    written = events_written(session, case_id)  # a case opened in this unit: no query
    return list(written) if written is not None else list(session.execute(_CASE_EVENTS, {"case_id": case_id}).all())


def customer_tier(session: Session, customer_id: int | None) -> str | None:
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    return customer.level if customer else None


def clock_policy(session: Session, case_id: int) -> str | None:
    """The name of the service-level policy the case's clocks were started under (None: no clocks)."""
    return cache_of(session).get(("sla_policy", case_id), lambda: session.scalar(_CLOCK_POLICY, {"case_id": case_id}))


def opened_under(session: Session, case_id: int, policy: str | None) -> None:
    """A new case's clocks are queued under `policy`: the case's document needs no query to know it."""
    cache_of(session).put(("sla_policy", case_id), policy)


_CLOCK_POLICY = (select(SlaClock.policy).where(SlaClock.case_id == bindparam("case_id"))
                 .order_by(SlaClock.id).limit(1))


def clocks_of(session: Session, case_id: int) -> list[SlaClock]:
    return list(session.scalars(select(SlaClock).where(SlaClock.case_id == case_id).order_by(SlaClock.id)))


def due_clocks(session: Session, now: datetime, limit: int, *, skip_locked: bool) -> list[SlaClock]:
    stmt = (select(SlaClock).where(SlaClock.check_at.is_not(None), SlaClock.check_at <= now)
            .order_by(SlaClock.check_at, SlaClock.id).limit(limit))
    if skip_locked:
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def mark_once(session: Session, clock_id: int, column: str, now: datetime) -> bool:
    """Set warned_at / breached_at if it is still empty: True for the one caller that did."""
    col = getattr(SlaClock, column)
    done = session.execute(update(SlaClock).where(SlaClock.id == clock_id, col.is_(None)).values({column: now}),
                           execution_options={"synchronize_session": False})
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def next_case_timer(session: Session, case_id: int) -> datetime | None:
    return session.scalar(select(func.min(Timer.due_at)).where(Timer.case_id == case_id,
                                                               is_state(Timer.state, "pending")))


def users_named(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.username == name)).first()


def store(session: Session, store_id: int) -> Store:
    return session.get_one(Store, store_id)


def case_by_id(session: Session, case_id: int) -> Case:
    return session.get_one(Case, case_id)


# -- teams, routing, followers ----------------------------------------------------------------


def teams(session: Session, store_id: int) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.store_id == store_id).order_by(Team.code)))


def team_members(session: Session, team_ids: Iterable[int]) -> list[TeamMember]:
    ids = list(team_ids)
    if not ids:
        return []
    return list(session.scalars(select(TeamMember).where(TeamMember.team_id.in_(ids)).order_by(TeamMember.id)))


def routing_rules(session: Session, store_id: int) -> list[RoutingRule]:
    return list(session.scalars(select(RoutingRule).where(RoutingRule.store_id == store_id)
                                .order_by(RoutingRule.position)))


def open_counts(session: Session, user_ids: list[int], store_id: int) -> dict[int, int]:
    if not user_ids:
        return {}
    rows = session.execute(select(Case.assignee_id, func.count()).where(
        Case.store_id == store_id, Case.assignee_id.in_(user_ids), Case.closed_at.is_(None))
        .group_by(Case.assignee_id)).all()
    return {r[0]: int(r[1]) for r in rows if r[0] is not None}


def case_desk(session: Session, case_id: int) -> CaseDesk | None:
    """Read along with the case (the plug-in's `case_companions`), else once per unit of work."""
    return companion(session, CaseDesk, case_id)


def add_case_desk(session: Session, desk: CaseDesk) -> CaseDesk:
    return add_companion(session, desk)


def followers_of(session: Session, case_id: int) -> list[CaseFollower]:
    """Read once per unit of work; `add_follower` adds a new one."""
    return cache_of(session).get(("followers", case_id), lambda: list(session.scalars(
        select(CaseFollower).where(CaseFollower.case_id == case_id).order_by(CaseFollower.id))))


def add_follower(session: Session, follower: CaseFollower) -> None:
    session.add(follower)
    cache_of(session).add_to(("followers", follower.case_id), follower)


def new_case(session: Session, case_id: int) -> None:
    """A case created in this unit of work has no desk facts and no followers but those added since."""
    cache = cache_of(session)
    cache.put((CaseDesk, case_id), None)
    cache.put(("followers", case_id), [])


def is_follower(session: Session, case_id: int, user_id: int) -> bool:
    found = session.scalar(select(func.count()).select_from(CaseFollower).where(
        CaseFollower.case_id == case_id, CaseFollower.user_id == user_id))
    return bool(found)


# -- messages, replies, articles --------------------------------------------------------------


def messages_of(session: Session, case_id: int) -> list[DeskMessage]:
    return list(session.scalars(select(DeskMessage).where(DeskMessage.case_id == case_id).order_by(DeskMessage.id)))


def message_by_mail_id(session: Session, store_id: int, mail_ids: list[str]) -> DeskMessage | None:
    if not mail_ids:
        return None
    return session.scalars(select(DeskMessage).where(DeskMessage.store_id == store_id,
                                                     DeskMessage.mail_id.in_(mail_ids))
                           .order_by(DeskMessage.id.desc())).first()


def canned_replies(session: Session, store_ids: set[int] | None) -> list[CannedReply]:
    stmt = select(CannedReply).order_by(CannedReply.folder, CannedReply.title)
    if store_ids is not None:
        stmt = stmt.where((CannedReply.store_id.is_(None)) | CannedReply.store_id.in_(store_ids))
    return list(session.scalars(stmt))


def store_articles(session: Session, store_id: int, limit: int = 200) -> list[KbArticle]:
    return list(session.scalars(select(KbArticle).where(KbArticle.store_id == store_id)
                                .order_by(KbArticle.updated_at.desc(), KbArticle.id.desc()).limit(limit)))


def articles(session: Session, ids: Iterable[int]) -> dict[int, KbArticle]:
    wanted = list(ids)
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(KbArticle).where(KbArticle.id.in_(wanted)))}


def case_ids_of_customer(session: Session, customer_id: int) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.customer_id == customer_id)))


def cases_by_ids(session: Session, ids: list[int]) -> list[Case]:
    if not ids:
        return []
    return list(session.scalars(select(Case).where(Case.id.in_(ids))))


def messages_by_ids(session: Session, ids: list[int]) -> list[DeskMessage]:
    if not ids:
        return []
    return list(session.scalars(select(DeskMessage).where(DeskMessage.id.in_(ids))))


def case_by_number(session: Session, no: str) -> Case | None:
    return session.scalars(select(Case).where(Case.no == no)).first()


def customer_by_email(session: Session, store_id: int, email: str) -> Customer | None:
    if not email:
        return None
    return session.scalars(select(Customer).where(Customer.store_id == store_id, func.lower(Customer.email) == email)
                           .order_by(Customer.id)).first()


def outbound_by_mail_id(session: Session, store_id: int, mail_ids: list[str]) -> OutboundMessage | None:
    if not mail_ids:
        return None
    return session.scalars(select(OutboundMessage).where(OutboundMessage.store_id == store_id,
                                                         OutboundMessage.mail_id.in_(mail_ids))
                           .order_by(OutboundMessage.id.desc())).first()


# -- the inbox --------------------------------------------------------------------------------


def inbox(session: Session, view: str, user_id: int, store_ids: set[int] | None, limit: int) -> list[Case]:
    """Open cases of one inbox view, the one due soonest (any running target) first, then the rest."""
    due = (select(SlaClock.case_id, func.min(SlaClock.due_at).label("due"))
           .where(SlaClock.status == "running").group_by(SlaClock.case_id).subquery())
    stmt = select(Case).outerjoin(due, due.c.case_id == Case.id).where(Case.closed_at.is_(None))
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    if view == "mine":
        stmt = stmt.where(Case.assignee_id == user_id)
    elif view == "team":
        teams = select(TeamMember.team_id).where(TeamMember.user_id == user_id, TeamMember.active.is_(True))
        stmt = stmt.join(CaseDesk, CaseDesk.case_id == Case.id).where(
            CaseDesk.team_id.in_(teams), or_(Case.assignee_id.is_(None), Case.assignee_id != user_id))
    elif view == "followed":
        stmt = stmt.where(Case.id.in_(select(CaseFollower.case_id).where(CaseFollower.user_id == user_id)))
    else:  # unassigned
        stmt = stmt.where(Case.assignee_id.is_(None))
    return list(session.scalars(stmt.order_by(due.c.due.is_(None), due.c.due, Case.id).limit(limit)))


def clocks_for(session: Session, case_ids: list[int]) -> list[SlaClock]:
    if not case_ids:
        return []
    return list(session.scalars(select(SlaClock).where(SlaClock.case_id.in_(case_ids)).order_by(SlaClock.id)))


def related_cases(session: Session, case: Case, email: str, phone: str, limit: int = 20) -> list[Case]:
    """The same customer's other cases (by account, else by the address or number they wrote from)."""
    who = []
    if case.customer_id is not None:
        who.append(Case.customer_id == case.customer_id)
    contact = [c for c in (CaseDesk.contact_email == email if email else None,
                           CaseDesk.contact_phone == phone if phone else None) if c is not None]
    if contact:
        who.append(Case.id.in_(select(CaseDesk.case_id).where(CaseDesk.store_id == case.store_id, or_(*contact))))
    if not who:
        return []
    return list(session.scalars(select(Case).where(Case.store_id == case.store_id, Case.id != case.id, or_(*who))
                                .order_by(Case.closed_at.is_not(None), Case.id.desc()).limit(limit)))


def presence_of(session: Session, case_id: int, since: datetime) -> list[DeskPresence]:
    return list(session.scalars(select(DeskPresence).where(DeskPresence.case_id == case_id,
                                                           DeskPresence.at >= since).order_by(DeskPresence.at)))


def presence_row(session: Session, case_id: int, user_id: int) -> DeskPresence | None:
    return session.scalars(select(DeskPresence).where(DeskPresence.case_id == case_id,
                                                      DeskPresence.user_id == user_id)).first()


def claim_article(session: Session, article_id: int, seen: int) -> bool:
    """Move the article from version `seen` to the next; False when another edit got there first (of two
    concurrent edits of one version, the database lets one through)."""
    claimed = session.connection().execute(update(KbArticle).where(KbArticle.id == article_id,
                                                                   KbArticle.version == seen).values(version=seen + 1))
    return claimed.rowcount == 1
