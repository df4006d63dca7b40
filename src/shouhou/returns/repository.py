from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from shouhou.db.cache import add_companion, cache_of, companion
from shouhou.db.filters import none_of, one_of
from shouhou.models import Case, CaseLine, CaseShipment, OrderLine, Refund, ReturnDetail, StockMovement
from shouhou.models.returns import ReturnPickup


class HeldLine(NamedTuple):
    order_line_id: int
    qty: int
    amount_fen: int
    voucher_fen: int
    shares: dict[str, int] | None  # the line's shares of the order's pools (shipping, vouchers)
    case_type: str
    status: str


REFUND_TYPES = ("refund_only", "return_refund")
RETURN_TYPES = ("refund_only", "return_refund", "exchange")
RELEASED = ("cancelled", "closed")  # these no longer hold any units


# Statements read on every application or transition: built once.
_LINES = (select(CaseLine, OrderLine).join(OrderLine, OrderLine.id == CaseLine.order_line_id)
          .where(CaseLine.case_id == bindparam("case_id")).order_by(CaseLine.line_no))
# Plain columns: no ORM objects for other cases' lines (the case's own lines, which its
# unit of work may be changing, are excluded).
_BOOKS = (select(CaseLine.order_line_id, CaseLine.qty, CaseLine.amount_fen, CaseLine.voucher_fen, CaseLine.shares,
                 Case.type, Case.status).join(Case, Case.id == CaseLine.case_id)
          .where(Case.order_id == bindparam("order_id"), one_of(Case.type, RETURN_TYPES), none_of(Case.status, RELEASED),
                 Case.id != bindparam("exclude")))  # 0 excludes nothing
_REFUNDS = select(Refund).where(Refund.case_id == bindparam("case_id")).order_by(Refund.seq)
_PARCELS = select(CaseShipment).where(CaseShipment.case_id == bindparam("case_id"))
_PICKUP = select(ReturnPickup).where(ReturnPickup.case_id == bindparam("case_id"))


def detail(session: Session, case_id: int) -> ReturnDetail:
    """The case's return detail (read along with the case, or just added: it costs no query)."""
    found = companion(session, ReturnDetail, case_id)
    if found is None:
        raise NoResultFound(f"no return detail for case {case_id}")
    return found


def lines(session: Session, case_id: int) -> list[CaseLine]:
    def load() -> list[CaseLine]:
        # Their order lines come in the same query (kept: later lookups are free).
        rows = session.execute(_LINES, {"case_id": case_id}).all()
        for row in rows:
            cache.keep(row[1])
        return [row[0] for row in rows]

    cache = cache_of(session)
    return cache.get(("case_lines", case_id), load)


def lines_of_cases(session: Session, case_ids: list[int]) -> dict[int, list[tuple[CaseLine, OrderLine]]]:
    """Several cases' lines with their order lines, in one query (a list page's products)."""
    out: dict[int, list[tuple[CaseLine, OrderLine]]] = defaultdict(list)
    if case_ids:
        rows = session.execute(select(CaseLine, OrderLine).join(OrderLine, OrderLine.id == CaseLine.order_line_id)
                               .where(CaseLine.case_id.in_(case_ids)).order_by(CaseLine.case_id, CaseLine.line_no))
        for cl, ol in rows:
            out[cl.case_id].append((cl, ol))
    return out


def known_lines(session: Session, case_id: int, rows: list[CaseLine]) -> None:
    """A case's lines read along with it (their order lines kept): `lines` needs no query."""
    cache_of(session).put(("case_lines", case_id), sorted(rows, key=lambda r: r.line_no))


def set_lines(session: Session, case_id: int, rows: list[CaseLine], *, replace: bool) -> None:
    """Write a case's lines (replacing the old ones on modify) and remember them for this unit of work."""
    if replace:
        for old in lines(session, case_id):
            session.delete(old)
        session.flush()
    session.add_all(rows)
    known_lines(session, case_id, rows)


def held_by_other_cases(session: Session, order_id: int, exclude_case_id: int | None) -> list[HeldLine]:
    """The lines of the order's other live return cases: which order line, how many, how much,
    and their shares of the order's pools."""
    return [HeldLine(*row) for row in session.execute(_BOOKS, {"order_id": order_id,
                                                              "exclude": exclude_case_id or 0})]


_SHIPPING_TAKEN = (select(func.coalesce(func.sum(ReturnDetail.shipping_fen), 0)).select_from(ReturnDetail)
                   .join(Case, Case.id == ReturnDetail.case_id)
                   .where(Case.order_id == bindparam("order_id"), none_of(Case.status, RELEASED),
                          ReturnDetail.refund_shipping.is_(True), Case.id != bindparam("exclude")))
_POSTAGE = (select(func.coalesce(func.sum(ReturnDetail.return_postage_fen), 0)).select_from(ReturnDetail)
            .join(Case, Case.id == ReturnDetail.case_id)
            .where(Case.order_id == bindparam("order_id"), none_of(Case.status, RELEASED)))


def shipping_taken(session: Session, order_id: int, exclude_case_id: int | None) -> int:
    """The shipping fee other live refund cases on the order refund."""
    return int(session.scalar(_SHIPPING_TAKEN, {"order_id": order_id, "exclude": exclude_case_id or 0}) or 0)


def postage_on_order(session: Session, order_id: int) -> int:
    """Return postage the order's live cases reimburse: money refunded beyond what was paid."""
    return int(session.scalar(_POSTAGE, {"order_id": order_id}) or 0)


def refunds(session: Session, case_id: int) -> list[Refund]:
    """A case's refunds, read once per unit of work; `remember` adds new ones."""
    return cache_of(session).get(("refunds", case_id), lambda: list(session.scalars(_REFUNDS, {"case_id": case_id})))


def remember(session: Session, refund: Refund) -> None:
    session.add(refund)
    cache_of(session).add_to(("refunds", refund.case_id), refund)


def refunded_on_order(session: Session, order_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(Refund.amount_fen), 0))
                          .where(Refund.order_id == order_id, Refund.status != "failed")) or 0


def shipments(session: Session, case_id: int) -> dict[str, CaseShipment]:
    """A case's parcels by direction, read once per unit of work; `add_shipment` adds new ones."""
    return cache_of(session).get(("case_shipments", case_id),
                                 lambda: {s.direction: s for s in session.scalars(_PARCELS, {"case_id": case_id})})


def add_shipment(session: Session, shipment: CaseShipment) -> None:
    session.add(shipment)
    shipments(session, shipment.case_id)[shipment.direction] = shipment


def preloaded(session: Session, case_id: int, *, shipments: list[CaseShipment], refunds: list[Refund],
              pickups: list[ReturnPickup] | None = None) -> None:
    """A case's parcels, refunds and pickup, known without a read (read along with it, or none yet)."""
    cache = cache_of(session)
    cache.put(("case_shipments", case_id), {s.direction: s for s in shipments})
    cache.put(("refunds", case_id), sorted(refunds, key=lambda r: r.seq))
    if pickups is not None:
        cache.put(("pickup", case_id), pickups[0] if pickups else None)


def pickup(session: Session, case_id: int) -> ReturnPickup | None:
    """The case's courier pickup (上门取件), if one was asked for."""
    return cache_of(session).get(("pickup", case_id), lambda: session.scalars(_PICKUP, {"case_id": case_id}).first())


def add_pickup(session: Session, found: ReturnPickup) -> None:
    session.add(found)
    cache_of(session).put(("pickup", found.case_id), found)


def pickups(session: Session, store_ids: set[int] | None, statuses: tuple[str, ...],
            limit: int = 500) -> list[tuple[Case, ReturnPickup]]:
    """Pickups in these states, the earliest window first: the staff's list."""
    stmt = (select(Case, ReturnPickup).join(ReturnPickup, ReturnPickup.case_id == Case.id)
            .where(ReturnPickup.status.in_(statuses)))
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    return [(c, p) for c, p in session.execute(stmt.order_by(ReturnPickup.window_start, Case.id).limit(limit))]


def new_detail(session: Session, d: ReturnDetail) -> None:
    add_companion(session, d)  # pending until the flush: a lookup by key would flush first
    preloaded(session, d.case_id, shipments=[], refunds=[], pickups=[])  # a new case has none yet


def case_by_tracking_or_no(session: Session, query: str, store_ids: set[int] | None) -> list[Case]:
    """The warehouse scans a parcel's tracking number, or types the case number."""
    stmt = select(Case).where(or_(Case.no == query, Case.id.in_(
        select(CaseShipment.case_id).where(CaseShipment.tracking_no == query, CaseShipment.direction == "return"))))
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    return list(session.scalars(stmt.order_by(Case.id.desc()).limit(20)))


def stock_movements(session: Session, store_ids: set[int] | None, *, kind: str | None = None,
                    since: datetime | None = None, until: datetime | None = None, sku: str | None = None,
                    after_id: int | None = None, limit: int = 200) -> list[StockMovement]:
    stmt = select(StockMovement)
    if store_ids is not None:
        stmt = stmt.where(StockMovement.store_id.in_(store_ids))
    if kind:
        stmt = stmt.where(StockMovement.kind == kind)
    if sku:
        stmt = stmt.where(StockMovement.sku == sku)
    if since:
        stmt = stmt.where(StockMovement.at >= since)
    if until:
        stmt = stmt.where(StockMovement.at < until)
    if after_id is not None:
        stmt = stmt.where(StockMovement.id < after_id)
    return list(session.scalars(stmt.order_by(StockMovement.id.desc()).limit(limit)))


def next_refund_seq(session: Session, case_id: int) -> int:
    return (session.scalar(select(func.max(Refund.seq)).where(Refund.case_id == case_id)) or 0) + 1


def pending_refund_cases(session: Session, store_ids: set[int] | None, limit: int = 500) -> list[Case]:
    stmt = select(Case).where(Case.type.in_(REFUND_TYPES), Case.status == "pending_refund")
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    return list(session.scalars(stmt.order_by(Case.updated_at, Case.id).limit(limit)))


def insurance_claims(session: Session, store_ids: set[int] | None, status: str | None,
                     limit: int = 500) -> list[tuple[Case, ReturnDetail]]:
    """Cases with a shipping-insurance claim: those awaiting payout first, the earliest due first."""
    d = ReturnDetail
    stmt = select(Case, d).join(d, d.case_id == Case.id).where(
        d.insurance_status.is_not(None) if status is None else d.insurance_status == status)
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    waiting_first = case((d.insurance_status == "pending", 0), else_=1)
    return [(c, r) for c, r in session.execute(stmt.order_by(waiting_first, d.insurance_due_at, Case.id).limit(limit))]


def unreceived(session: Session, store_ids: set[int] | None, limit: int = 500) -> list[tuple[Case, ReturnDetail]]:
    """Refunded (or reshipped) at the receipt deadline and not yet received: oldest first."""
    d = ReturnDetail
    stmt = select(Case, d).join(d, d.case_id == Case.id).where(d.receipt_overdue_at.is_not(None),
                                                               d.received_at.is_(None))
    if store_ids is not None:
        stmt = stmt.where(Case.store_id.in_(store_ids))
    return [(c, r) for c, r in session.execute(stmt.order_by(d.receipt_overdue_at, Case.id).limit(limit))]


def cases_with_tracking(text: str) -> Any:
    """The case list's search: cases with a return or replacement parcel whose tracking number
    contains `text` (a select of case ids)."""
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(CaseShipment.case_id).where(CaseShipment.tracking_no.ilike(like, escape="\\"))


def refund_amount_column() -> Any:
    """The case list sorts by the amount a case refunds."""
    return (select(ReturnDetail.refund_fen).where(ReturnDetail.case_id == Case.id).correlate(Case)
            .scalar_subquery())
