"""Orders pushed by integrations or imported: validated, allocated to the fen, idempotent."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError

from shouhou.accounts.service import customer_by_external, store_for_caller
from shouhou.db.cache import cache_of
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import may, require
from shouhou.errors import Conflict, Invalid, forbidden, not_found
from shouhou.fields import local_iso, yuan
from shouhou.models import Customer, Order, OrderLine, Product, Shipment, Store
from shouhou.money import largest_remainder
from shouhou.orders import repository as repo
from shouhou.orders.schemas import OrderIn
from shouhou.policy import TAGS

POLICY_TAGS = TAGS  # the policy engine's vocabulary (shouhou.policy.facts)


def body_hash(body: OrderIn) -> str:
    # An order without bundles hashes as it did before bundles existed.
    canonical = body.model_dump(mode="json", exclude=None if body.bundles else {"bundles"})
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def push_order(ctx: Ctx, body: OrderIn) -> tuple[Order, bool]:
    """Create the order, or return the existing one when the same document comes again."""
    store = store_for_caller(ctx, body.store)
    require(ctx.actor, "order.write", store.id)
    digest = body_hash(body)
    allocation = validate(body)  # a wrong document is refused as such, even for a known order
    existing = repo.order_by_no(ctx.session, store.id, body.order_no)
    if existing is not None:
        return _same_or_conflict(existing, digest), False
    for attempt in range(3):
        try:
            with ctx.session.begin_nested():
                return _insert(ctx, store, body, digest, allocation), True
        except IntegrityError:
            # A concurrent push committed this order first (compare with it), or the same new
            # customer or product (visible now: insert again, finding them).
            existing = repo.order_by_no(ctx.session, store.id, body.order_no)
            if existing is not None:
                return _same_or_conflict(existing, digest), False
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _same_or_conflict(existing: Order, digest: str) -> Order:
    if existing.body_hash != digest:
        raise Conflict("order_conflict",
                       en="Order {order_no} already exists with different content",
                       zh="订单 {order_no} 已存在且内容不同", order_no=existing.order_no)
    return existing


def validate(body: OrderIn) -> list[tuple[int, int, int, int]]:
    """Check the arithmetic; return per line (order discount share, voucher share, paid, bundle discount)."""
    numbers = [line.line_no for line in body.lines]
    if len(set(numbers)) != len(numbers):
        raise Invalid("duplicate_line_no", en="Line numbers must be unique", zh="订单行号重复",
                      line_nos=sorted({n for n in numbers if numbers.count(n) > 1}))
    nets = []
    for line in body.lines:
        unknown = sorted(set(line.tags) - POLICY_TAGS)
        if unknown:
            raise Invalid("unknown_tag", en="Unknown policy tags {tags} on line {line_no}",
                          zh="订单行 {line_no} 含未知政策标签 {tags}", line_no=line.line_no, tags=unknown,
                          known=sorted(POLICY_TAGS))
        subtotal = line.qty * line.unit_price
        if line.discount > subtotal:
            raise Invalid("discount_exceeds_line", en="Line {line_no}: discount exceeds the line subtotal",
                          zh="订单行 {line_no} 的优惠超过小计", line_no=line.line_no)
        nets.append(subtotal - line.discount)
    bundled = _bundle_discounts(body, nets)
    nets = [n - b for n, b in zip(nets, bundled, strict=True)]
    vouchers = body.coupon + body.red_packet + body.points
    if body.discount + vouchers > sum(nets):
        raise Invalid("discount_exceeds_order", en="Order discounts exceed the goods total",
                      zh="订单优惠超过商品总额")
    expected = sum(nets) - body.discount - vouchers + body.shipping_fee
    if body.payment.amount != expected:
        raise Invalid("payment_mismatch",
                      en="Payment {paid} does not equal lines − discounts + shipping = {expected}",
                      zh="支付金额 {paid} 不等于 商品金额 − 优惠 + 运费 = {expected}",
                      paid=yuan(body.payment.amount), expected=yuan(expected))
    for s in body.shipments:
        if s.shipped_at and s.delivered_at and s.delivered_at < s.shipped_at:
            raise Invalid("invalid_shipment_times", en="Shipment {tracking_no} is delivered before it was shipped",
                          zh="运单 {tracking_no} 的签收时间早于发货时间", tracking_no=s.tracking_no)
    if body.paid_at and body.paid_at < body.placed_at:
        raise Invalid("invalid_order_times", en="paid_at is before placed_at", zh="付款时间早于下单时间")
    order_shares = _allocate(body.discount, nets)
    voucher_shares = _allocate(vouchers, nets)
    return [(d, v, n - d - v, b) for n, d, v, b in zip(nets, order_shares, voucher_shares, bundled, strict=True)]


def _allocate(total: int, weights: list[int]) -> list[int]:
    return largest_remainder(total, weights) if total else [0] * len(weights)


def _bundle_discounts(body: OrderIn, nets: list[int]) -> list[int]:
    """Each 套餐's discount (its lines' goods − its price), only over its own lines [003]."""
    out = [0] * len(body.lines)
    if not body.bundles:
        return out  # a line's `bundle` is then only a label, as before bundles were declared
    ids = [b.id for b in body.bundles]
    if len(set(ids)) != len(ids):
        raise Invalid("duplicate_bundle", en="Bundle ids must be unique", zh="套餐编号重复",
                      bundles=sorted({i for i in ids if ids.count(i) > 1}))
    for bundle in body.bundles:
        members = [i for i, line in enumerate(body.lines) if line.bundle == bundle.id]
        if not members:
            raise Invalid("empty_bundle", en="No line belongs to bundle {bundle}", zh="没有订单行属于套餐 {bundle}",
                          bundle=bundle.id)
        goods = [nets[i] for i in members]
        if bundle.price > sum(goods):
            raise Invalid("bundle_price_exceeds_lines",
                          en="Bundle {bundle} costs {price}, more than its lines ({goods})",
                          zh="套餐 {bundle} 的价格 {price} 高于其商品合计 {goods}", bundle=bundle.id,
                          price=yuan(bundle.price), goods=yuan(sum(goods)))
        for i, part in zip(members, _allocate(sum(goods) - bundle.price, goods), strict=True):
            out[i] = part
    unknown = sorted({ln.bundle for ln in body.lines if ln.bundle and ln.bundle not in ids})
    if unknown:
        raise Invalid("unknown_bundle", en="Lines name bundles {bundles} the order does not declare",
                      zh="订单行引用了未声明的套餐 {bundles}", bundles=unknown)
    return out


def _insert(ctx: Ctx, store: Store, body: OrderIn, digest: str,
            allocation: list[tuple[int, int, int, int]]) -> Order:
    now = ctx.clock.now()
    session = ctx.session
    customer = _upsert_customer(ctx, store, body)
    order = Order(store_id=store.id, order_no=body.order_no, customer_id=customer.id, channel=body.channel,
                  placed_at=body.placed_at, paid_at=body.paid_at, completed_at=body.completed_at,
                  invoice_at=body.invoice_at, payment_method=body.payment.method,
                  payment_amount_fen=body.payment.amount, shipping_fee_fen=body.shipping_fee,
                  free_shipping=body.free_shipping, discount_fen=body.discount, coupon_fen=body.coupon,
                  red_packet_fen=body.red_packet, points_fen=body.points, body_hash=digest,
                  bundles=[{"id": b.id, "name": b.name, "price_fen": b.price} for b in body.bundles],
                  extra=body.model_extra or {}, created_at=now)
    session.add(order)
    session.flush()
    for line, (order_discount, voucher, paid, bundle_discount) in zip(body.lines, allocation, strict=True):
        product = _upsert_product(ctx, store, line)
        session.add(OrderLine(
            store_id=store.id, order_id=order.id, line_no=line.line_no, product_id=product.id, sku=line.sku,
            name=line.name, category=line.category, qty=line.qty, unit_price_fen=line.unit_price,
            discount_fen=line.discount, order_discount_fen=order_discount, voucher_fen=voucher, paid_fen=paid,
            bundle_discount_fen=bundle_discount,
            bundle=line.bundle, tags=sorted(set(line.tags)), warranty_months=line.warranty_months,
            serials=line.serials, gifts=line.gifts))
    for i, s in enumerate(body.shipments, start=1):
        session.add(Shipment(store_id=store.id, order_id=order.id, seq=i, carrier=s.carrier,
                             tracking_no=s.tracking_no, shipped_at=s.shipped_at, delivered_at=s.delivered_at,
                             signed_at=s.signed_at))
    session.flush()
    return order


def _upsert_customer(ctx: Ctx, store: Store, body: OrderIn) -> Customer:
    c = body.customer
    customer = customer_by_external(ctx.session, store.id, c.external_id)
    if customer is None:
        customer = Customer(store_id=store.id, external_id=c.external_id, created_at=ctx.clock.now())
        ctx.session.add(customer)
    # The latest order carries the freshest contact details.
    for field in ("name", "phone", "email", "level", "address"):
        value = getattr(c, field)
        if value:
            setattr(customer, field, value)
    ctx.session.flush()
    return customer


def _upsert_product(ctx: Ctx, store: Store, line: Any) -> Product:
    product = repo.product_by_sku(ctx.session, store.id, line.sku)
    if product is None:
        product = Product(store_id=store.id, sku=line.sku, name=line.name, category=line.category,
                          tags=sorted(set(line.tags)), warranty_months=line.warranty_months,
                          supplier=line.supplier, created_at=ctx.clock.now())
        ctx.session.add(product)
        ctx.session.flush()
    return product


def find_order(ctx: Ctx, order_no: str, store_code: str | None = None, *, lock: bool = False) -> Order:
    """The caller's order by number; `store_code` disambiguates when several stores use it.

    `lock`: the order row is locked until commit (see repository.orders_by_no)."""
    actor = ctx.actor
    if store_code:
        store = store_for_caller(ctx, store_code)
        candidates = repo.orders_by_no(ctx.session, order_no, {store.id}, lock=lock)
    else:
        candidates = repo.orders_by_no(ctx.session, order_no, actor.store_ids(), lock=lock)
    if actor.customer_id is not None and not (actor.roles - {"customer"}):
        candidates = [o for o in candidates if o.customer_id == actor.customer_id]
    else:
        candidates = [o for o in candidates if _may_read(ctx, o.store_id)]
    if not candidates:
        raise not_found("order", order_no)
    if len(candidates) > 1:
        raise Invalid("store_required", en="Order number {order_no} exists in several stores; give ?store=",
                      zh="多个店铺存在订单号 {order_no}，请指定 store", order_no=order_no)
    return candidates[0]


def _may_read(ctx: Ctx, store_id: int) -> bool:
    return may(ctx.actor, "order.read", store_id)


def get_order_document(ctx: Ctx, order_no: str, store_code: str | None = None) -> dict[str, Any]:
    return document(ctx, find_order(ctx, order_no, store_code))


def may_read_order(ctx: Ctx, order: Order) -> bool:
    actor = ctx.actor
    return (actor.customer_id is not None and order.customer_id == actor.customer_id) or _may_read(ctx, order.store_id)


def require_order_access(ctx: Ctx, order: Order) -> None:
    if not may_read_order(ctx, order):
        raise forbidden("order.read", order_no=order.order_no)


def document(ctx: Ctx, order: Order) -> dict[str, Any]:
    """The order as integrations see it: their document plus what the system derived."""
    session = ctx.session
    store = repo.store_of(session, order)
    tz = store.timezone
    customer = session.get_one(Customer, order.customer_id)
    lines = repo.lines_of(session, order.id)
    shipments = repo.shipments_of(session, order.id)
    return {
        "order_no": order.order_no, "store": store.code,
        "customer": {"external_id": customer.external_id, "name": customer.name, "phone": customer.phone,
                     "email": customer.email, "level": customer.level, "address": customer.address},
        "channel": order.channel, "placed_at": local_iso(order.placed_at, tz),
        "paid_at": local_iso(order.paid_at, tz),
        "payment": {"method": order.payment_method, "amount": yuan(order.payment_amount_fen)},
        "shipping_fee": yuan(order.shipping_fee_fen), "free_shipping": order.free_shipping,
        "discount": yuan(order.discount_fen), "coupon": yuan(order.coupon_fen),
        "red_packet": yuan(order.red_packet_fen), "points": yuan(order.points_fen),
        "lines": [{
            "line_no": ln.line_no, "sku": ln.sku, "name": ln.name, "category": ln.category, "qty": ln.qty,
            "unit_price": yuan(ln.unit_price_fen), "discount": yuan(ln.discount_fen), "bundle": ln.bundle,
            "tags": ln.tags, "warranty_months": ln.warranty_months, "serials": ln.serials, "gifts": ln.gifts,
            "bundle_discount": yuan(ln.bundle_discount_fen),
            "order_discount": yuan(ln.order_discount_fen), "voucher": yuan(ln.voucher_fen),
            "paid": yuan(ln.paid_fen),
        } for ln in lines],
        "bundles": [{"id": b["id"], "name": b["name"], "price": yuan(b["price_fen"])} for b in order.bundles or ()],
        "shipments": [{"carrier": s.carrier, "tracking_no": s.tracking_no,
                       "shipped_at": local_iso(s.shipped_at, tz), "delivered_at": local_iso(s.delivered_at, tz),
                       "signed_at": local_iso(s.signed_at, tz)} for s in shipments],
        "invoice_at": local_iso(order.invoice_at, tz), "completed_at": local_iso(order.completed_at, tz),
        "status": order_status(order, shipments),
        **({"extra": order.extra} if order.extra else {}),
    }


def order_status(order: Order, shipments: list[Shipment]) -> str:
    if order.completed_at:
        return "completed"
    if any(s.signed_at or s.delivered_at for s in shipments):
        return "delivered"
    if shipments:
        return "shipped"
    return "paid" if order.paid_at else "placed"


def resolve_parties(ctx: Ctx, *, store_code: str | None, order_no: str | None,
                    customer_external_id: str | None,
                    lock_order: bool = False) -> tuple[Store, Order | None, Customer | None]:
    """Work out store, order and customer for a new case from what the caller gave.

    The order decides the store and customer; a buyer is always themself. `lock_order`
    locks the order row until commit, for cases that take units of it.
    """
    session = ctx.session
    actor = ctx.actor
    keep = cache_of(session).keep
    order = find_order(ctx, order_no, store_code, lock=lock_order) if order_no else None
    store = keep(session.get_one(Store, order.store_id) if order is not None else store_for_caller(ctx, store_code))
    keep(order)
    customer: Customer | None = None
    if actor.customer_id is not None and "customer" in actor.roles_in(store.id) and not (
            actor.roles_in(store.id) - {"customer"}):
        customer = keep(session.get_one(Customer, actor.customer_id))
        if customer.store_id != store.id:
            raise forbidden("case.create", store=store.code)
    elif order is not None:
        customer = keep(session.get_one(Customer, order.customer_id))
    elif customer_external_id:
        customer = customer_by_external(session, store.id, customer_external_id)
        if customer is None:
            raise not_found("customer", customer_external_id)
    if order is not None and customer is not None and order.customer_id != customer.id:
        raise forbidden("case.create", order_no=order.order_no)
    return store, order, customer


def lines_of(ctx: Ctx, order_id: int) -> list[OrderLine]:
    """An order's lines, read once per unit of work."""
    return repo.lines_of(ctx.session, order_id)


def shipments_of(ctx: Ctx, order_id: int) -> list[Shipment]:
    """An order's shipments, read once per unit of work."""
    return repo.shipments_of(ctx.session, order_id)


def orders_of_customer(ctx: Ctx, customer_id: int) -> list[Order]:
    return repo.orders_of_customer(ctx.session, customer_id)


def lock_order(ctx: Ctx, order_id: int) -> None:
    """Hold the order until commit, so two applications cannot both take its last unit."""
    repo.lock_order(ctx.session, order_id)


def recent_orders(ctx: Ctx, query: str = "") -> list[Order]:
    """The newest orders of the caller's stores, by order number if `query` is given."""
    return repo.recent_orders(ctx.session, ctx.actor.store_ids(), query)


def product_name(ctx: Ctx, store_id: int, sku: str | None) -> str | None:
    """The catalogue's name of a store's SKU (None: not in the catalogue)."""
    product = repo.product_by_sku(ctx.session, store_id, sku) if sku else None
    return product.name if product is not None else None


def variants_of(ctx: Ctx, store_id: int, sku: str) -> list[tuple[str, str]]:
    """The other sizes and colours of a product, as (SKU, name): the store's SKUs that share its
    stem — all but the last "-" part (SHOE-41 → SHOE-40, SHOE-42…)."""
    stem, sep, _ = sku.rpartition("-")
    if not sep or not stem:
        return []
    return [(p.sku, p.name) for p in repo.products_like(ctx.session, store_id, stem + "-") if p.sku != sku]
