from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from shouhou.db.driver import fetch_all
from shouhou.db.filters import none_of, one_of
from shouhou.db.insert import insert_now
from shouhou.db.lookup import hold, memo
from shouhou.engine.logrows import LogRows

from shouhou.models import Case, CaseLine, CaseShipment, Order, OrderLine, Refund, ReturnDetail, StockMovement
from shouhou.orders.repository import locked_orders
from shouhou.returns.amounts import LineBook

REFUND_TYPES = ("refund_only", "return_refund")
RETURN_TYPES = ("refund_only", "return_refund", "exchange")
RELEASED = ("cancelled", "closed")  # these no longer hold any units


# Statements read on every application or transition: built once.
_LINES = (select(CaseLine, OrderLine).join(OrderLine, OrderLine.id == CaseLine.order_line_id)
          .where(CaseLine.case_id == bindparam("case_id")).order_by(CaseLine.line_no))
# Plain columns, run on the connection: no ORM objects for other cases' lines (the case's
# own lines, which its unit of work may be changing, are excluded).
_BOOKS = (select(CaseLine.order_line_id, CaseLine.qty, CaseLine.amount_fen, CaseLine.voucher_fen, Case.type,
                 Case.status).join(Case, Case.id == CaseLine.case_id)
          .where(Case.order_id == bindparam("order_id"), one_of(Case.type, RETURN_TYPES), none_of(Case.status, RELEASED),
                 Case.id != bindparam("exclude")))  # 0 excludes nothing
_REFUNDS = select(Refund).where(Refund.case_id == bindparam("case_id")).order_by(Refund.seq)
_PARCELS = select(CaseShipment).where(CaseShipment.case_id == bindparam("case_id"))


def detail(session: Session, case_id: int) -> ReturnDetail:
    known = memo(session, "return_detail")
    if case_id not in known:
        known[case_id] = hold(session, session.get_one(ReturnDetail, case_id))
    return known[case_id]


def lines(session: Session, case_id: int) -> list[CaseLine]:
    known = memo(session, "case_lines")
    if case_id not in known:
        # Their order lines come in the same query (identity-mapped: later lookups are free).
        with session.no_autoflush:  # pending changes cannot alter what this reads: they wait for the flush
            rows = session.execute(_LINES, {"case_id": case_id}).all()
        known[case_id] = [row[0] for row in rows]
    return known[case_id]


def known_lines(session: Session, case_id: int, rows: list[CaseLine]) -> None:
    """A case's lines read along with it (their order lines identity-mapped): `lines` needs no query."""
    memo(session, "case_lines")[case_id] = sorted(rows, key=lambda r: r.line_no)


def set_lines(session: Session, case_id: int, log: LogRows | None, rows: list[CaseLine], *, replace: bool) -> None:
    """Write a case's lines (replacing the old ones on modify) and remember them for this unit of work.

    With `log` (a new case), they are written with the application's event and stay plain
    descriptions of their rows here: nothing in the same request changes them."""
    if replace:
        for old in lines(session, case_id):
            session.delete(old)
        session.flush()
    for row in rows:
        if log is not None:
            log.insert(row, persistent=False)
        else:
            insert_now(session, row)
    known_lines(session, case_id, rows)


def lock_order(session: Session, order_id: int) -> None:
    """Serialise applications on one order until commit, so two cannot both take its last unit.

    FOR NO KEY UPDATE conflicts only with itself: refunds' foreign-key checks on the order
    (KEY SHARE) are not held up. SQLite serialises writers anyway.
    """
    locked = locked_orders(session)
    if order_id not in locked and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Order.id).where(Order.id == order_id).with_for_update(key_share=True))
    locked.add(order_id)


def books(session: Session, order_lines: list[OrderLine], order_id: int, exclude_case_id: int | None) -> dict[int, LineBook]:
    """Per order line: what other live cases already hold, in units and in money."""
    held: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rows = fetch_all(session.connection(), _BOOKS, {"order_id": order_id, "exclude": exclude_case_id or 0})
    for line_id, qty, amount_fen, voucher_fen, case_type, status in rows:
        h = held[line_id]
        if case_type == "exchange" and status == "completed":
            continue  # the replacement unit can come back again
        h[0] += qty
        if case_type in REFUND_TYPES:
            h[1] += qty
            h[2] += amount_fen
            h[3] += voucher_fen
    return {ln.id: LineBook(line_no=ln.line_no, qty=ln.qty, paid_fen=ln.paid_fen, voucher_fen=ln.voucher_fen,
                            held_qty=held[ln.id][0], refund_qty=held[ln.id][1], refund_fen=held[ln.id][2],
                            refund_voucher_fen=held[ln.id][3])
            for ln in order_lines}


def shipping_taken(session: Session, order_id: int, exclude_case_id: int | None) -> bool:
    """Has another live refund case on the order already claimed the shipping fee?"""
    stmt = (select(func.count()).select_from(ReturnDetail).join(Case, Case.id == ReturnDetail.case_id)
            .where(Case.order_id == order_id, Case.status.not_in(RELEASED), ReturnDetail.shipping_fen > 0,
                   ReturnDetail.refund_shipping.is_(True)))
    if exclude_case_id is not None:
        stmt = stmt.where(Case.id != exclude_case_id)
    return session.scalar(stmt) > 0


def refunds(session: Session, case_id: int) -> list[Refund]:
    """A case's refunds, read once per unit of work; `remember` adds new ones."""
    known = memo(session, "refunds")
    if case_id not in known:
        known[case_id] = list(session.scalars(_REFUNDS, {"case_id": case_id}))
    return known[case_id]


def remember(session: Session, refund: Refund) -> None:
    session.add(refund)
    known = memo(session, "refunds")
    if refund.case_id in known:
        known[refund.case_id].append(refund)


def refunded_on_order(session: Session, order_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(Refund.amount_fen), 0))
                          .where(Refund.order_id == order_id, Refund.status != "failed")) or 0


def shipments(session: Session, case_id: int) -> dict[str, CaseShipment]:
    """A case's parcels by direction, read once per unit of work; `add_shipment` adds new ones."""
    known = memo(session, "case_shipments")
    if case_id not in known:
        known[case_id] = {s.direction: s for s in session.scalars(_PARCELS, {"case_id": case_id})}
    return known[case_id]


def add_shipment(session: Session, shipment: CaseShipment) -> None:
    session.add(shipment)
    shipments(session, shipment.case_id)[shipment.direction] = shipment


def preloaded(session: Session, case_id: int, *, shipments: list[CaseShipment], refunds: list[Refund]) -> None:
    """A case's parcels and refunds, known without a read (read along with it, or none yet)."""
    memo(session, "case_shipments")[case_id] = {s.direction: s for s in shipments}
    memo(session, "refunds")[case_id] = sorted(refunds, key=lambda r: r.seq)


def new_detail(session: Session, d: ReturnDetail, rows: LogRows | None) -> None:
    if rows is not None:
        rows.insert(d, persistent=True)  # written with the application's event
    else:
        insert_now(session, d)
    memo(session, "return_detail")[d.case_id] = d
    preloaded(session, d.case_id, shipments=[], refunds=[])  # a new case has none yet


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
