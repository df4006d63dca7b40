from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.db.lookup import hold

from shouhou.models import Customer, Order, OrderLine, Product, Shipment, Store


def order_by_no(session: Session, store_id: int, order_no: str) -> Order | None:
    return session.scalars(select(Order).where(Order.store_id == store_id, Order.order_no == order_no)).first()


def orders_by_no(session: Session, order_no: str, store_ids: set[int] | None, *, lock: bool = False) -> list[Order]:
    """Orders by number, with their store and customer loaded in the same query.

    `lock` takes FOR NO KEY UPDATE on the order row (PostgreSQL; SQLite serialises writers
    anyway), which conflicts only with itself: foreign-key checks (KEY SHARE) pass.
    """
    stmt = (select(Order, Store, Customer).join(Store, Store.id == Order.store_id)
            .join(Customer, Customer.id == Order.customer_id).where(Order.order_no == order_no))
    if store_ids is not None:
        stmt = stmt.where(Order.store_id.in_(store_ids))
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(key_share=True, of=Order)
    orders = [row[0] for row in session.execute(stmt)]
    if lock:
        locked_orders(session).update(o.id for o in orders)
    return orders


def locked_orders(session: Session) -> set[int]:
    """Orders this unit of work has locked already (a second lock would be a wasted round trip)."""
    return session.info.setdefault("shouhou.locked_orders", set())


def lines_of(session: Session, order_id: int) -> list[OrderLine]:
    lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no)))
    for line in lines:
        hold(session, line)
    return lines


def shipments_of(session: Session, order_id: int) -> list[Shipment]:
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.seq)))


def orders_of_customer(session: Session, customer_id: int, limit: int = 100) -> list[Order]:
    return list(session.scalars(select(Order).where(Order.customer_id == customer_id)
                                .order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit)))


def recent_orders(session: Session, store_ids: set[int] | None, query: str = "", limit: int = 50) -> list[Order]:
    stmt = select(Order)
    if store_ids is not None:
        stmt = stmt.where(Order.store_id.in_(store_ids))
    if query:
        stmt = stmt.where(Order.order_no.contains(query))
    return list(session.scalars(stmt.order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit)))


def store_of(session: Session, order: Order) -> Store:
    return session.get_one(Store, order.store_id)


def product_by_sku(session: Session, store_id: int, sku: str) -> Product | None:
    return session.scalars(select(Product).where(Product.store_id == store_id, Product.sku == sku)).first()
