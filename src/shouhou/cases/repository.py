from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, event, func, or_, select
from sqlalchemy.orm import Session, object_session

from shouhou.db.cache import by_ids, cache_of
from shouhou.db.filters import is_state
from shouhou.models import Case, CaseEvent, CaseLink, Customer, Order, Store, Timer, User


@dataclass(frozen=True)
class CaseFilter:
    store_ids: set[int] | None = None  # None = every store
    customer_id: int | None = None  # a buyer sees only their own cases
    type: str | None = None
    status: list[str] | None = None
    order_no: str | None = None
    customer: str | None = None  # external id
    created_from: datetime | None = None
    created_to: datetime | None = None
    order_placed_from: datetime | None = None  # the order's 下单时间 (SPEC §9, seed 002)
    order_placed_to: datetime | None = None
    no: str | None = None
    assignee_id: int | None = None
    store_code: str | None = None
    # One search box: part of a case, order or tracking number, the buyer's account, name or phone;
    # `extra` are the plug-ins' own searches (selects of case ids).
    text: str | None = None
    extra: tuple[Any, ...] = ()


def case_by_no(session: Session, no: str, companions: Iterable[type] = (),
               collections: Iterable[type | tuple[type, ...]] = ()) -> tuple[Case | None, dict[type, list[Any]]]:
    """The case with everything a request about it reads, in one query.

    Its store, customer and order, and `companions` (one-to-one detail tables keyed by
    case_id) are loaded and identity-mapped. Its pending timers (soonest first) and the rows
    of `collections` (small per-case tables keyed by case_id: parcels, refunds, lines) come
    back by model: one row per combination, a handful at most for one case. A collection
    given as `(model, parent)` brings each row's parent too, joined on `<parent table>_id`
    (a case line's order line), identity-mapped.
    """
    companions, collections = tuple(companions), tuple(collections)
    rows = session.execute(_case_by_no(companions, collections), {"no": no}).all()
    if not rows:
        return None, {}
    cache = cache_of(session)
    keep = cache.keep
    for obj in rows[0][1:4]:  # store, customer, order: later gets are free
        keep(obj)
    case_id = rows[0][0].id
    for model, obj in zip(companions, rows[0][4:4 + len(companions)], strict=True):
        cache.put((model, case_id), obj)  # what the case has of each, None included: `companion` asks no more
    models = (Timer, *(m for entry in collections for m in _entities(entry)))
    along: dict[type, dict[int, Any]] = {model: {} for model in models}
    start = 4 + len(companions)
    for row in rows:
        for model, obj in zip(models, row[start:], strict=True):
            if obj is not None:
                along[model].setdefault(obj.id, keep(obj))
    found = {model: list(objs.values()) for model, objs in along.items()}
    found[Timer].sort(key=lambda t: (t.due_at, t.id))
    return rows[0][0], found


@cache
def _case_by_no(companions: tuple[Any, ...], collections: tuple[Any, ...]) -> Select:
    stmt = (select(Case, Store, Customer, Order).join(Store, Store.id == Case.store_id)
            .outerjoin(Customer, Customer.id == Case.customer_id).outerjoin(Order, Order.id == Case.order_id))
    for model in companions:
        stmt = stmt.add_columns(model).outerjoin(model, model.case_id == Case.id)
    stmt = stmt.add_columns(Timer).outerjoin(Timer, (Timer.case_id == Case.id) & is_state(Timer.state, "pending"))
    for entry in collections:
        model, *parents = _entities(entry)
        stmt = stmt.add_columns(model).outerjoin(model, model.case_id == Case.id)
        for parent in parents:
            stmt = stmt.add_columns(parent).outerjoin(parent, parent.id == getattr(model, f"{parent.__tablename__}_id"))
    return stmt.where(Case.no == bindparam("no"))


def _entities(entry: Any) -> tuple[Any, ...]:
    return entry if isinstance(entry, tuple) else (entry,)


def filtered(f: CaseFilter) -> Select[Case]:
    stmt = select(Case)
    if f.store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(f.store_ids))
    if f.customer_id is not None:
        stmt = stmt.where(Case.customer_id == f.customer_id)
    if f.type:
        stmt = stmt.where(Case.type == f.type)
    if f.status:
        stmt = stmt.where(Case.status.in_(f.status))
    if f.no:
        stmt = stmt.where(Case.no.contains(f.no))
    if f.order_no:
        stmt = stmt.where(Case.order_id.in_(select(Order.id).where(Order.order_no == f.order_no)))
    if f.customer:
        stmt = stmt.where(Case.customer_id.in_(select(Customer.id).where(Customer.external_id == f.customer)))
    if f.store_code:
        stmt = stmt.where(Case.store_id.in_(select(Store.id).where(Store.code == f.store_code)))
    if f.created_from:
        stmt = stmt.where(Case.created_at >= f.created_from)
    if f.created_to:
        stmt = stmt.where(Case.created_at < f.created_to)
    if f.order_placed_from or f.order_placed_to:
        placed = select(Order.id)
        if f.order_placed_from:
            placed = placed.where(Order.placed_at >= f.order_placed_from)
        if f.order_placed_to:
            placed = placed.where(Order.placed_at < f.order_placed_to)
        if f.store_ids is not None:
            placed = placed.where(Order.store_id.in_(f.store_ids))
        stmt = stmt.where(Case.order_id.in_(placed))
    if f.assignee_id is not None:
        stmt = stmt.where(Case.assignee_id == f.assignee_id)
    if f.text:
        stmt = stmt.where(_matches(f.text, f.extra))
    return stmt


def _matches(text: str, extra: tuple[Any, ...]) -> ColumnElement[bool]:
    like = f"%{_escape(text)}%"
    customers = select(Customer.id).where(or_(Customer.external_id.ilike(like, escape="\\"),
                                              Customer.name.ilike(like, escape="\\"),
                                              Customer.phone.ilike(like, escape="\\")))
    orders = select(Order.id).where(Order.order_no.ilike(like, escape="\\"))
    return or_(Case.no.ilike(like, escape="\\"), Case.subject.ilike(like, escape="\\"),
               Case.customer_id.in_(customers), Case.order_id.in_(orders), *(Case.id.in_(e) for e in extra))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def status_counts(session: Session, f: CaseFilter) -> dict[str, int]:
    """How many cases of the filter are in each status (the list's tabs)."""
    inner = filtered(f).with_only_columns(Case.status).subquery()
    rows = session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    return {str(row[0]): int(row[1]) for row in rows}


def deadline_of() -> Any:
    """A case's next pending deadline, as a column (the list shows and sorts by it)."""
    return (select(func.min(Timer.due_at)).where(Timer.case_id == Case.id, Timer.state == "pending")
            .correlate(Case).scalar_subquery())


def deadlines(session: Session, case_ids: list[int]) -> dict[int, datetime]:
    if not case_ids:
        return {}
    stmt = (select(Timer.case_id, func.min(Timer.due_at))
            .where(Timer.case_id.in_(case_ids), Timer.state == "pending").group_by(Timer.case_id))
    return {row[0]: row[1] for row in session.execute(stmt)}


SORTS: dict[str, Any] = {
    "no": lambda: Case.id, "created_at": lambda: Case.created_at, "updated_at": lambda: Case.updated_at,
    "status": lambda: Case.status, "type": lambda: Case.type, "subject": lambda: Case.subject,
    "deadline": deadline_of,
    "order_no": lambda: select(Order.order_no).where(Order.id == Case.order_id).correlate(Case).scalar_subquery(),
    "order_placed_at": lambda: (select(Order.placed_at).where(Order.id == Case.order_id).correlate(Case)
                                .scalar_subquery()),
    "customer": lambda: (select(Customer.external_id).where(Customer.id == Case.customer_id).correlate(Case)
                         .scalar_subquery()),
    "store": lambda: select(Store.code).where(Store.id == Case.store_id).correlate(Case).scalar_subquery(),
    "assignee": lambda: (select(User.username).where(User.id == Case.assignee_id).correlate(Case)
                         .scalar_subquery()),
}


def sorted_page(session: Session, f: CaseFilter, key: Any, *, descending: bool, offset: int,
                limit: int) -> list[Case]:
    """A page of the list ordered by a column (empty values last), then by id."""
    column = key()
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    tie = Case.id.desc() if descending else Case.id.asc()
    return list(session.scalars(filtered(f).order_by(order, tie).offset(offset).limit(limit)))


def page(session: Session, f: CaseFilter, *, after_id: int | None, limit: int) -> list[Case]:
    """Newest first, keyset on id so that deep pages cost the same as the first."""
    stmt = filtered(f)
    if after_id is not None:
        stmt = stmt.where(Case.id < after_id)
    return list(session.scalars(stmt.order_by(Case.id.desc()).limit(limit)))


def events_of(session: Session, case_id: int, *, public_only: bool) -> list[CaseEvent]:
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id)
    if public_only:
        stmt = stmt.where(CaseEvent.visibility == "public")
    return list(session.scalars(stmt.order_by(CaseEvent.seq)))


def usernames(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    return {i: u.username for i, u in by_ids(session, User, ids).items()}


def count_for_customer(session: Session, customer_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(Case.customer_id == customer_id)) or 0


def links_of(session: Session, case_id: int) -> list[tuple[CaseLink, Case]]:
    """The case's links either way, each with the case at its other end (one query; none for a
    case inserted in this unit of work that no link has been inserted for since)."""
    # A link added and not yet written goes to the query, whose autoflush writes it (and forgets the mark).
    if cache_of(session).peek((_UNLINKED, case_id)) and not any(isinstance(obj, CaseLink) for obj in session.new):
        return []
    return [(link, other) for link, other in session.execute(_LINKS, {"case_id": case_id})]


_UNLINKED = "unlinked"


@event.listens_for(Case, "after_insert")
def _new_case_is_unlinked(_mapper: Any, _connection: Any, case: Case) -> None:
    session = object_session(case)
    if session is not None:
        cache_of(session).put((_UNLINKED, case.id), True)


@event.listens_for(CaseLink, "after_insert")
def _linked(_mapper: Any, _connection: Any, link: CaseLink) -> None:
    session = object_session(link)
    if session is not None:
        cache = cache_of(session)
        cache.forget((_UNLINKED, link.case_id))
        cache.forget((_UNLINKED, link.other_case_id))


# Built once: every case document asks it.
_MINE, _THEIRS = CaseLink.case_id == bindparam("case_id"), CaseLink.other_case_id == bindparam("case_id")
_LINKS = (select(CaseLink, Case).join(Case, or_(and_(_MINE, Case.id == CaseLink.other_case_id),
                                                and_(_THEIRS, Case.id == CaseLink.case_id)))
          .where(or_(_MINE, _THEIRS)).order_by(CaseLink.id))
