"""Use-cases of the installed base (客户资料袋): units, their warranty and their service history.

A unit is created from an order line with serials, by an installation, or by hand. Its
warranty is never stored: the policy engine decides it from the unit's facts whenever asked
(`assess`), so a repair's days, an exchange or a changed store policy show at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.clock import ahead
from shouhou.engine.context import Ctx
from shouhou.errors import Conflict, Invalid, forbidden, not_found
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, Customer, Order, OrderLine, Store
from shouhou.models.units import Unit, UnitService
from shouhou.orders import service as orders
from shouhou.policies import service as policies
from shouhou.policy import TAGS, Basis, Eligibility, LineFacts, SaleFacts
from shouhou.policy.outcomes import Ctx as PolicyCtx
from shouhou.policy.sanbao import sale_start
from shouhou.policy.warranty import (
    PastRepair,
    RepairFacts,
    Warranty,
    entitlements,
    evaluate,
    warranty,
)
from shouhou.units import contracts
from shouhou.units import repository as repo
from shouhou.units.schemas import ReplaceIn, UnitIn

READERS = contracts.READERS  # who may read units and contracts
WRITERS = frozenset({"agent", "supervisor", "technician", "warehouse", "admin", "integration"})
REPAIR_KINDS = ("repair",)  # history lines that count as repairs for 三包 (not maintenance, installation, exchange)


def may_read(ctx: Ctx, unit: Unit) -> bool:
    actor = ctx.actor
    if actor.roles_in(unit.store_id) & READERS:
        return True
    return actor.customer_id is not None and actor.customer_id == unit.customer_id


def require_write(ctx: Ctx, store_id: int) -> None:
    if not ctx.actor.roles_in(store_id) & WRITERS:
        raise forbidden("unit.write", store_id=store_id)


def _check_tags(tags: list[str]) -> list[str]:
    unknown = sorted(set(tags) - TAGS)
    if unknown:
        raise Invalid("unknown_tag", en="Unknown policy tags {tags}", zh="未知的政策标签 {tags}", tags=unknown,
                      known=sorted(TAGS))
    return sorted(set(tags))


def _not_ahead(ctx: Ctx, **times: datetime | None) -> None:
    """A sale, delivery, installation or exchange is recorded once it has happened: a later time would
    start a warranty not yet begun, or keep one running for decades."""
    name = ahead(ctx.clock.now(), **times)
    if name is not None:
        raise Invalid("invalid_time", en="{field} is in the future", zh="{field} 晚于当前时间", field=name)


def create(ctx: Ctx, body: UnitIn) -> Unit:
    """`POST /api/v1/units`: by hand, or attached to the order line it was sold on."""
    _not_ahead(ctx, invoice_at=body.invoice_at, delivered_at=body.delivered_at, installed_at=body.installed_at)
    if body.order_no:
        order = orders.find_order(ctx, body.order_no, body.store)
        store = ctx.session.get_one(Store, order.store_id)
        require_write(ctx, store.id)
        line = _line(ctx, order, body.line_no)
        if line.serials and body.serial not in line.serials:
            raise Invalid("serial_not_on_line", en="Serial {serial} is not one of order line {line}'s serials",
                          zh="序列号 {serial} 不在订单行 {line} 的序列号中", serial=body.serial,
                          line=f"{order.order_no}#{line.line_no}", serials=line.serials)
        unit = _from_line(ctx, store, order, line, body.serial)
        for name in ("address", "district", "note"):
            if getattr(body, name):
                setattr(unit, name, getattr(body, name))
        if body.installed_at:
            unit.installed_at = body.installed_at
        ctx.session.flush()
        return unit
    store = accounts.store_for_caller(ctx, body.store)
    require_write(ctx, store.id)
    if not body.model:
        raise Invalid("model_required", en="Give the model (or the order line the unit was sold on)",
                      zh="请填写型号（或所属订单行）")
    customer = _customer(ctx, store, body.customer)
    if repo.unit_by_serial(ctx.session, store.id, body.serial) is not None:
        raise Conflict("unit_exists", en="Unit {serial} already exists", zh="序列号 {serial} 的产品已登记",
                       serial=body.serial)
    unit = Unit(store_id=store.id, serial=body.serial, model=body.model, name=body.name or body.model,
                category=body.category or "", customer_id=customer.id if customer else None, source="manual",
                tags=_check_tags(body.tags or []), warranty_months=body.warranty_months or 0,
                price_fen=body.price or 0, channel=body.channel or "store", invoice_at=body.invoice_at,
                delivered_at=body.delivered_at, installed_at=body.installed_at, repair_days=0,
                address=body.address, district=body.district, note=body.note, created_at=ctx.clock.now())
    ctx.session.add(unit)
    ctx.session.flush()
    return unit


def _customer(ctx: Ctx, store: Store, external_id: str | None) -> Customer | None:
    if ctx.actor.customer_id is not None and not (ctx.actor.roles_in(store.id) - {"customer"}):
        return ctx.session.get_one(Customer, ctx.actor.customer_id)
    if not external_id:
        return None
    customer = accounts.customer_by_external(ctx.session, store.id, external_id)
    if customer is None:
        raise not_found("customer", external_id)
    return customer


def _line(ctx: Ctx, order: Order, line_no: int | None) -> OrderLine:
    lines = orders.lines_of(ctx, order.id)
    if line_no is None:
        if len(lines) != 1:
            raise Invalid("line_no_required", en="The order has several lines; give line_no",
                          zh="订单有多行，请指定 line_no")
        return lines[0]
    for line in lines:
        if line.line_no == line_no:
            return line
    raise not_found("order_line", f"{order.order_no}#{line_no}")


def _from_line(ctx: Ctx, store: Store, order: Order, line: OrderLine, serial: str) -> Unit:
    """The unit of `serial` sold on `line`: found, or entered now with the sale's facts."""
    unit = repo.unit_by_serial(ctx.session, store.id, serial)
    if unit is not None:
        if unit.order_line_id not in (None, line.id):
            raise Conflict("unit_exists", en="Unit {serial} belongs to another order line",
                           zh="序列号 {serial} 已属于其他订单行", serial=serial)
        return unit
    sale = policies.sale_facts(order, orders.shipments_of(ctx, order.id))
    unit = Unit(store_id=store.id, serial=serial, model=line.sku, name=line.name, category=line.category,
                customer_id=order.customer_id, order_id=order.id, order_line_id=line.id, source="order",
                tags=list(line.tags or []), warranty_months=line.warranty_months, price_fen=line.unit_price_fen,
                channel=order.channel, invoice_at=order.invoice_at, delivered_at=sale.received_at,
                installed_at=sale.installed_at, repair_days=0, created_at=ctx.clock.now())
    customer = ctx.session.get(Customer, order.customer_id)
    if customer is not None:
        unit.address = customer.address
    ctx.session.add(unit)
    ctx.session.flush()
    return unit


def create_from_order(ctx: Ctx, order_no: str, line_no: int | None = None, store_code: str | None = None) -> list[Unit]:
    """Every serial of the order's lines (or of one line) as a unit; known ones are kept as they are."""
    order = orders.find_order(ctx, order_no, store_code)
    store = ctx.session.get_one(Store, order.store_id)
    require_write(ctx, store.id)
    lines = [_line(ctx, order, line_no)] if line_no is not None else orders.lines_of(ctx, order.id)
    return [_from_line(ctx, store, order, line, serial) for line in lines for serial in (line.serials or [])]


def unit_for_line(ctx: Ctx, order: Order, line_no: int | None, serial: str | None) -> Unit:
    """The unit a call about an order line is for: its only serial, the serial named, or — for a
    line sold without serials — a unit numbered after the line itself."""
    store = ctx.session.get_one(Store, order.store_id)
    line = _line(ctx, order, line_no)
    serials = list(line.serials or [])
    if serial:
        if serials and serial not in serials:
            raise Invalid("serial_not_on_line", en="Serial {serial} is not one of order line {line}'s serials",
                          zh="序列号 {serial} 不在订单行 {line} 的序列号中", serial=serial,
                          line=f"{order.order_no}#{line.line_no}", serials=serials)
        return _from_line(ctx, store, order, line, serial)
    if len(serials) > 1:
        raise Invalid("serial_required", en="Order line {line} has several serials; say which one",
                      zh="订单行 {line} 有多个序列号，请指定 serial", line=f"{order.order_no}#{line.line_no}",
                      serials=serials)
    return _from_line(ctx, store, order, line, serials[0] if serials else f"{order.order_no}#{line.line_no}")


def find(ctx: Ctx, serial: str, store_code: str | None = None) -> Unit:
    """The caller's unit by serial (a unit the caller may not see is reported as missing)."""
    # A store the caller holds no role in is not found, as if it did not exist.
    store_ids = {accounts.store_for_caller(ctx, store_code).id} if store_code else ctx.actor.store_ids()
    found = [u for u in repo.units_by_serial(ctx.session, serial, store_ids) if may_read(ctx, u)]
    if not found:
        raise not_found("unit", serial)
    if len(found) > 1:
        raise Invalid("store_required", en="Serial {serial} exists in several stores; give ?store=",
                      zh="多个店铺存在序列号 {serial}，请指定 store", serial=serial)
    return found[0]


def by_serial(ctx: Ctx, store_id: int, serial: str) -> Unit | None:
    return repo.unit_by_serial(ctx.session, store_id, serial)


def get(ctx: Ctx, unit_id: int) -> Unit:
    return ctx.session.get_one(Unit, unit_id)


# -- warranty ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Assessment:
    """What the policy engine says of the unit now, for a quality failure."""

    eligibility: Eligibility
    warranty: Warranty
    starts: datetime | None  # when the 三包 period started (delivery, installation, or the exchange)


def facts_of(unit: Unit) -> tuple[LineFacts, SaleFacts]:
    line = LineFacts(category=unit.category, tags=frozenset(unit.tags or ()), unit_price_fen=unit.price_fen,
                     qty=1, paid_fen=unit.price_fen, warranty_months=unit.warranty_months,
                     serials=(unit.serial,), invoice_at=unit.invoice_at)
    sale = SaleFacts(channel=unit.channel if unit.channel in ("online", "tv", "phone", "mail", "store") else "store",
                     delivered_at=unit.delivered_at, signed_at=unit.delivered_at, installed_at=unit.installed_at,
                     last_exchange_at=unit.exchanged_at, repair_days_total=unit.repair_days)
    return line, sale


def assess(ctx: Ctx, unit: Unit, *, facts: RepairFacts | None = None, as_of: datetime | None = None,
           extra_repair_days: int = 0) -> Assessment:
    """The unit's warranty and entitlements now (or `as_of`), given what the repair history says.
    `extra_repair_days`: days of a repair still under way, which do not count either."""
    store = ctx.session.get_one(Store, unit.store_id)
    _, policy = policies.policy_in_force(ctx, store)
    line, sale = facts_of(unit)
    if extra_repair_days:
        sale = replace(sale, repair_days_total=sale.repair_days_total + extra_repair_days)
    tz = ZoneInfo(store.timezone)
    when = as_of or ctx.clock.now()
    calendar = policies.holiday_calendar(ctx)
    eligibility = evaluate(line, sale, facts or RepairFacts(), policy.for_category(unit.category), when, tz=tz,
                           calendar=calendar, use_workday_extension=ctx.settings.extend_periods_to_workday)
    starts = unit.exchanged_at or sale_start(PolicyCtx(line, sale, RepairFacts().claim(), policy, tz, calendar,
                                                       when))[0]
    return Assessment(eligibility, warranty(eligibility), starts)


def warranty_document(ctx: Ctx, assessment: Assessment, tz: str) -> dict[str, Any]:
    w = assessment.warranty
    return {"covered": w.covered, "starts": local_iso(assessment.starts, tz), "until": local_iso(w.until, tz),
            "basis": basis_document(ctx, w.basis), "message": ctx.label(w.message_zh, w.message_en)}


def basis_document(ctx: Ctx, basis: tuple[Basis, ...] | list[Basis]) -> list[dict[str, str]]:
    return [{"rule": b.rule, "text": ctx.label(b.text_zh, b.text_en)} for b in basis]


def entitlements_document(ctx: Ctx, assessment: Assessment, tz: str, *,
                          escalation_only: bool = False) -> list[dict[str, Any]]:
    return [{"remedy": d.type, "until": local_iso(d.until, tz), "basis": basis_document(ctx, d.basis),
             "rule": next((b.rule for b in d.basis), None), "message": ctx.label(d.message_zh, d.message_en),
             "deductions": [{"kind": x.kind, "amount": yuan(x.amount_fen), "rule": x.rule,
                             "text": ctx.label(x.text_zh, x.text_en)} for x in d.deductions]}
            for d in entitlements(assessment.eligibility, escalation_only=escalation_only)]


# -- service history ----------------------------------------------------------------------------

def record_service(ctx: Ctx, unit: Unit, case: Case, kind: str, fault_code: str | None = None) -> None:
    """A case was opened for the unit: a line of its service history."""
    if repo.service_line(ctx.session, unit.id, case.id) is None:
        ctx.session.add(UnitService(store_id=unit.store_id, unit_id=unit.id, case_id=case.id, kind=kind,
                                    opened_at=ctx.clock.now(), fault_code=fault_code))
        ctx.session.flush()


def finish_service(ctx: Ctx, unit_id: int, case_id: int, *, result: str, fault_code: str | None,
                   serious: bool = True) -> None:
    line = repo.service_line(ctx.session, unit_id, case_id)
    if line is None:
        unit = get(ctx, unit_id)
        line = UnitService(store_id=unit.store_id, unit_id=unit_id, case_id=case_id, kind="repair",
                           opened_at=ctx.clock.now())
        ctx.session.add(line)
    line.finished_at, line.result, line.fault_code, line.serious = ctx.clock.now(), result, fault_code, serious
    ctx.session.flush()


def exchange_received(ctx: Ctx, case_id: int, at: datetime) -> None:
    """The buyer has the replacements an exchange case sent: their 三包 periods run from today (换货之日), not
    from the day they were shipped, and the old units' exchange lines end."""
    for line, old in repo.exchange_lines(ctx.session, case_id):
        line.finished_at, line.result = at, "exchanged"
        new = repo.unit_by_serial(ctx.session, old.store_id, old.replaced_by_serial) if old.replaced_by_serial else None
        if new is not None:
            new.exchanged_at = at
    ctx.session.flush()


def past_repairs(ctx: Ctx, unit: Unit, *, exclude_case_id: int | None = None) -> list[PastRepair]:
    """The unit's finished repairs (not maintenance or installation), oldest first."""
    return [PastRepair(s.fault_code, s.finished_at, s.result or "fixed", s.serious)
            for s, c in repo.history(ctx.session, unit.id)
            if s.kind in REPAIR_KINDS and s.finished_at is not None and c.id != exclude_case_id]


def last_repair_before(ctx: Ctx, unit: Unit, case_id: int) -> tuple[UnitService, Case] | None:
    """The latest finished repair of the unit other than `case_id` (for re-repair, 返修)."""
    done = [(s, c) for s, c in repo.history(ctx.session, unit.id)
            if s.kind in REPAIR_KINDS and s.finished_at is not None and c.id != case_id]
    return max(done, key=lambda sc: sc[0].finished_at or sc[1].created_at) if done else None


def history(ctx: Ctx, unit: Unit, tz: str) -> list[dict[str, Any]]:
    return [{"case": c.no, "type": c.type, "kind": s.kind, "status": c.status, "opened_at": local_iso(s.opened_at, tz),
             "finished_at": local_iso(s.finished_at, tz), "fault_code": s.fault_code, "result": s.result}
            for s, c in repo.history(ctx.session, unit.id)]


def add_repair_days(ctx: Ctx, unit_id: int, days: int) -> None:
    """修理占用: days in repair do not count towards the 三包 period."""
    if days > 0:
        get(ctx, unit_id).repair_days += days
        ctx.session.flush()


def mark_installed(ctx: Ctx, unit_id: int, at: datetime) -> None:
    """The seller installed it: the 三包 periods start now (实施条例 2024 Art. 18)."""
    get(ctx, unit_id).installed_at = at
    ctx.session.flush()


def replace_unit(ctx: Ctx, unit: Unit, body: ReplaceIn) -> Unit:
    """A 三包 exchange: the replacement takes the old unit's place, its periods restarting."""
    require_write(ctx, unit.store_id)
    return replaced(ctx, unit, body)


def replaced(ctx: Ctx, unit: Unit, body: ReplaceIn) -> Unit:
    """The replacement recorded for a caller already allowed to (an exchange case's `reship`)."""
    if unit.replaced_by_serial:
        raise Conflict("unit_replaced", en="Unit {serial} was already replaced by {by}",
                       zh="产品 {serial} 已被 {by} 替换", serial=unit.serial, by=unit.replaced_by_serial)
    if repo.unit_by_serial(ctx.session, unit.store_id, body.new_serial) is not None:
        raise Conflict("unit_exists", en="Unit {serial} already exists", zh="序列号 {serial} 的产品已登记",
                       serial=body.new_serial)
    at = body.exchanged_at or ctx.clock.now()
    _not_ahead(ctx, exchanged_at=at)
    since = unit.exchanged_at or unit.delivered_at or unit.invoice_at
    if since is not None and at < since:  # the new unit's periods would have run out before it was handed over
        raise Invalid("invalid_time", en="exchanged_at is before unit {serial} was handed over ({since})",
                      zh="换货时间早于产品 {serial} 的交付时间（{since}）", field="exchanged_at", serial=unit.serial,
                      since=local_iso(since, ctx.session.get_one(Store, unit.store_id).timezone))
    new = Unit(store_id=unit.store_id, serial=body.new_serial, model=unit.model, name=unit.name,
               category=unit.category, customer_id=unit.customer_id, order_id=unit.order_id,
               order_line_id=unit.order_line_id, source="exchange", tags=list(unit.tags or []),
               warranty_months=unit.warranty_months, price_fen=unit.price_fen, channel=unit.channel,
               invoice_at=unit.invoice_at, delivered_at=unit.delivered_at, installed_at=unit.installed_at,
               exchanged_at=at, replaces_serial=unit.serial, repair_days=0, address=unit.address,
               district=unit.district, note=body.note, created_at=ctx.clock.now())
    unit.replaced_by_serial = body.new_serial
    ctx.session.add(new)
    ctx.session.flush()
    return new


# -- reading ----------------------------------------------------------------------------------

def document(ctx: Ctx, unit: Unit, *, full: bool = True) -> dict[str, Any]:
    session = ctx.session
    store = session.get_one(Store, unit.store_id)
    tz = store.timezone
    customer = session.get(Customer, unit.customer_id) if unit.customer_id else None
    order = session.get(Order, unit.order_id) if unit.order_id else None
    line = session.get(OrderLine, unit.order_line_id) if unit.order_line_id else None
    assessment = assess(ctx, unit)
    doc: dict[str, Any] = {
        "serial": unit.serial, "model": unit.model, "name": unit.name, "category": unit.category,
        "store": store.code, "customer": customer.external_id if customer else None,
        "customer_name": customer.name if customer else None,
        "order_no": order.order_no if order else None, "line_no": line.line_no if line else None,
        "source": unit.source, "tags": unit.tags, "warranty_months": unit.warranty_months,
        "price": yuan(unit.price_fen), "channel": unit.channel,
        "invoice_at": local_iso(unit.invoice_at, tz), "delivered_at": local_iso(unit.delivered_at, tz),
        "installed_at": local_iso(unit.installed_at, tz), "exchanged_at": local_iso(unit.exchanged_at, tz),
        "replaces": unit.replaces_serial, "replaced_by": unit.replaced_by_serial,
        "repair_days": unit.repair_days, "address": unit.address, "district": unit.district, "note": unit.note,
        "warranty": warranty_document(ctx, assessment, tz),
        "warranty_until": local_iso(assessment.warranty.until, tz),
    }
    if full:
        doc["entitlements"] = entitlements_document(ctx, assessment, tz)
        doc["history"] = history(ctx, unit, tz)
        day = assessment.eligibility.as_of.astimezone(ZoneInfo(tz)).date()
        doc["contracts"] = [{"no": c.no, "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
                             "status": c.status, "valid": c.status == "active" and c.starts_on <= day <= c.ends_on}
                            for c in repo.contracts_of_unit(session, unit.id)]
    return doc


def list_page(ctx: Ctx, criteria: dict[str, Any], *, limit: int = 50, cursor: int | None = None,
              in_warranty: bool | None = None, store_code: str | None = None) -> tuple[list[Unit], int | None]:
    if not 1 <= limit <= 200:
        raise Invalid("invalid_limit", en="limit must be between 1 and 200", zh="limit 须在 1 到 200 之间")
    actor = ctx.actor
    if actor.customer_id is not None and not (actor.roles - {"customer"}):
        f = repo.UnitFilter(customer_id=actor.customer_id, **criteria)
    else:
        ids = actor.store_ids()
        if ids is not None:
            ids = {s for s in ids if actor.roles_in(s) & READERS}
        elif not actor.roles & READERS:
            raise forbidden("unit.read")
        if store_code:  # a store the caller holds no role in is not found
            wanted = accounts.store_for_caller(ctx, store_code).id
            ids = {wanted} if ids is None or wanted in ids else set()
        f = repo.UnitFilter(store_ids=ids, **criteria)
    out: list[Unit] = []
    after = cursor
    while len(out) < limit + 1:
        fetched = repo.page(ctx.session, f, after_id=after, limit=limit + 1)
        if fetched:
            after = fetched[-1].id
        # The warranty is decided by the policy engine, not stored: filter on it here.
        out += [u for u in fetched if in_warranty is None or assess(ctx, u).warranty.covered is in_warranty]
        if len(fetched) < limit + 1:
            break
    more = len(out) > limit
    out = out[:limit]
    return out, (out[-1].id if more and out else None)


# -- service contracts, as other contexts use them ----------------------------------------------

contract_by_id = contracts.get_by_id
valid_contract = contracts.valid_contract
contract_facts = contracts.facts
create_contract = contracts.create
due_visits = contracts.due_visits
visit_opened = contracts.visit_opened
