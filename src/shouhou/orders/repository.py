from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from shouhou.db.cache import cache_of
from shouhou.models import Customer, Order, OrderLine, Product, Shipment, Store


def order_by_no(session: Session, store_id: int, order_no: str) -> Order | None:
    return session.scalars(select(Order).where(Order.store_id == store_id, Order.order_no == order_no)).first()


def orders_by_no(session: Session, order_no: str, store_ids: set[int] | None, *, lock: bool = False) -> list[Order]:
    """Orders by number, with their store, customer, lines and shipments loaded in the same
    query (one row per line and shipment: an order has a few of each).

    `lock` takes FOR NO KEY UPDATE on the order row (PostgreSQL; SQLite serialises writers
    anyway), which conflicts only with itself: foreign-key checks (KEY SHARE) pass.
    """
    shape = None if store_ids is None else "one" if len(store_ids) == 1 else "any"
    stmt = _orders_by_no(shape, lock and session.get_bind().dialect.name == "postgresql")
    params: dict = {"order_no": order_no}
    if shape == "one":
        params["store_id"] = next(iter(store_ids))  # type: ignore[arg-type]
    elif shape == "any":
        params["store_ids"] = list(store_ids)  # type: ignore[arg-type]
    orders: dict[int, Order] = {}
    lines: dict[int, dict[int, OrderLine]] = {}
    parcels: dict[int, dict[int, Shipment]] = {}
    cache = cache_of(session)
    for order, store, customer, line, parcel in session.execute(stmt, params):
        if order.id not in orders:
            cache.keep(store)
            cache.keep(customer)
        orders.setdefault(order.id, order)
        lines.setdefault(order.id, {}).setdefault(line.id, line)
        if parcel is not None:
            parcels.setdefault(order.id, {}).setdefault(parcel.id, parcel)
    for order_id in orders:
        cache.put(("order_lines", order_id), sorted(lines[order_id].values(), key=lambda ln: ln.line_no))
        cache.put(("order_shipments", order_id), sorted(parcels.get(order_id, {}).values(), key=lambda s: s.seq))
    found = list(orders.values())
    if lock:
        locked_orders(session).update(o.id for o in found)
    return found


@cache
def _orders_by_no(stores: str | None, lock: bool) -> Select:
    # Built once per shape: an application reads its order on every request. Most callers
    # see one store: an equality keeps the cached SQL, an IN list is re-rendered each time.
    stmt = (select(Order, Store, Customer, OrderLine, Shipment).join(Store, Store.id == Order.store_id)
            .join(Customer, Customer.id == Order.customer_id).join(OrderLine, OrderLine.order_id == Order.id)
            .outerjoin(Shipment, Shipment.order_id == Order.id)
            .where(Order.order_no == bindparam("order_no")))
    if stores == "one":
        stmt = stmt.where(Order.store_id == bindparam("store_id"))
    elif stores == "any":
        stmt = stmt.where(Order.store_id.in_(bindparam("store_ids", expanding=True)))
    return stmt.with_for_update(key_share=True, of=Order) if lock else stmt


def locked_orders(session: Session) -> set[int]:
    """Orders this unit of work has locked already (a second lock would be a wasted round trip)."""
    return cache_of(session).get("locked_orders", set)


def lock_order(session: Session, order_id: int) -> None:
    """Serialise applications on one order until commit, so two cannot both take its last unit.

    FOR NO KEY UPDATE conflicts only with itself: refunds' foreign-key checks on the order
    (KEY SHARE) are not held up. SQLite serialises writers anyway.
    """
    locked = locked_orders(session)
    if order_id not in locked and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Order.id).where(Order.id == order_id).with_for_update(key_share=True))
    locked.add(order_id)


_LINES = select(OrderLine).where(OrderLine.order_id == bindparam("order_id")).order_by(OrderLine.line_no)
_SHIPMENTS = select(Shipment).where(Shipment.order_id == bindparam("order_id")).order_by(Shipment.seq)


def lines_of(session: Session, order_id: int) -> list[OrderLine]:
    """An order's lines, read once per unit of work (orders_by_no reads them along)."""
    return cache_of(session).get(("order_lines", order_id),
                                 lambda: list(session.scalars(_LINES, {"order_id": order_id})))


def shipments_of(session: Session, order_id: int) -> list[Shipment]:
    """An order's shipments, read once per unit of work (orders_by_no reads them along)."""
    return cache_of(session).get(("order_shipments", order_id),
                                 lambda: list(session.scalars(_SHIPMENTS, {"order_id": order_id})))


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


def products_like(session: Session, store_id: int, stem: str, limit: int = 50) -> list[Product]:
    """The store's products whose SKU starts with `stem` (the variants of one product)."""
    like = stem.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(session.scalars(select(Product).where(Product.store_id == store_id,
                                                      Product.sku.like(like, escape="\\"))
                                .order_by(Product.sku).limit(limit)))
