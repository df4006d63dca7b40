"""Store policies (versioned), the holiday calendar, and eligibility for an order line (issue 3).

Every window or entitlement is decided by `shouhou.policy.decide`; this module only
gathers its inputs from the database and keeps the policy versions.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from shouhou.accounts.service import store_cached, store_config_changed, store_for_caller
from shouhou.calendar import HolidayCalendar
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.fields import local_iso
from shouhou.models import CalendarDay, Order, OrderLine, Shipment, Store, StorePolicyVersion
from shouhou.money import parse_yuan
from shouhou.orders import service as orders
from shouhou.policies import convert
from shouhou.policy import Claim, Eligibility, Gift, LineFacts, SaleFacts, StorePolicy, decide, validate_store_policy
from shouhou.policy.store_policy import STATUTORY_FLOORS

_CACHE = "shouhou.policy_versions"


def current_version(ctx: Ctx, store: Store) -> StorePolicyVersion | None:
    return ctx.session.scalars(select(StorePolicyVersion).where(StorePolicyVersion.store_id == store.id)
                               .order_by(StorePolicyVersion.version.desc()).limit(1)).first()


def current_policy(ctx: Ctx, store: Store) -> tuple[StorePolicyVersion | None, StorePolicy]:
    row = current_version(ctx, store)
    return row, (convert.from_data(row.data) if row else StorePolicy())


def policy_in_force(ctx: Ctx, store: Store) -> tuple[int | None, StorePolicy]:
    """The id of the store's current policy version (None: never saved) and the policy; cached
    per store configuration, as every application and eligibility check reads it."""
    def load() -> tuple[int | None, StorePolicy]:
        row, policy = current_policy(ctx, store)
        return (row.id if row else None), policy

    return store_cached(store, "policy", load)


def policy_of_version(ctx: Ctx, store_id: int, version_id: int | None, *, category: str | None = None) -> StorePolicy:
    """The policy a case was decided under (defaults when the store never saved one)."""
    cache: dict[int | None, StorePolicy] = ctx.session.info.setdefault(_CACHE, {})
    policy = cache.get(version_id)
    if policy is None:
        row = ctx.session.get(StorePolicyVersion, version_id) if version_id else None
        policy = convert.from_data(row.data) if row else StorePolicy()
        cache[version_id] = policy
    return policy.for_category(category) if category else policy


def put_policy(ctx: Ctx, store_code: str, body: dict[str, Any], note: str = "") -> StorePolicyVersion:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "policy.write", store.id)
    _row, current = current_policy(ctx, store)
    policy = convert.from_api(body, current)
    validate_store_policy(policy)
    version = (ctx.session.scalar(select(func.max(StorePolicyVersion.version))
                                  .where(StorePolicyVersion.store_id == store.id)) or 0) + 1
    new = StorePolicyVersion(store_id=store.id, version=version, data=convert.to_data(policy),
                             created_by=ctx.actor.name, created_by_id=ctx.actor.user_id, created_at=ctx.clock.now())
    ctx.session.add(new)
    store_config_changed(store)
    ctx.session.flush()
    return new


def policy_document(ctx: Ctx, store_code: str) -> dict[str, Any]:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "policy.read", store.id)
    row, policy = current_policy(ctx, store)
    return {
        "store": store.code, "version": row.version if row else 0,
        "effective_from": local_iso(row.created_at, store.timezone) if row else None,
        "policy": convert.to_api(policy),
        "statutory_floor": {f.field: {"op": f.op, "bound": f.bound, "rule": f.rule,
                                      "text": ctx.label(f.why_zh, f.why_en)} for f in STATUTORY_FLOORS},
    }


def versions(ctx: Ctx, store_code: str) -> list[StorePolicyVersion]:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "policy.read", store.id)
    return list(ctx.session.scalars(select(StorePolicyVersion).where(StorePolicyVersion.store_id == store.id)
                                    .order_by(StorePolicyVersion.version.desc())))


_CALENDARS: dict[str, tuple[float, HolidayCalendar]] = {}  # per database
CALENDAR_TTL_SECONDS = 60.0  # admin edits reach other processes within this


def holiday_calendar(ctx: Ctx) -> HolidayCalendar:
    """Holidays change a few times a year; each process re-reads them once a minute."""
    key = str(ctx.session.get_bind().engine.url)
    now = time.monotonic()
    cached = _CALENDARS.get(key)
    if cached is None or now - cached[0] > CALENDAR_TTL_SECONDS:
        overrides = {d.day: d.workday for d in ctx.session.scalars(select(CalendarDay))}
        cached = _CALENDARS[key] = (now, HolidayCalendar(overrides))
    return cached[1]


def forget_calendars() -> None:
    """Drop cached calendars (a database was replaced, e.g. between tests)."""
    _CALENDARS.clear()


def set_calendar_days(ctx: Ctx, days: list[tuple[Any, bool, str]]) -> None:
    """Admin-entered rest days and make-up working days, e.g. for a year the package lacks."""
    require(ctx.actor, "store.admin", None)
    for day, workday, note in days:
        row = ctx.session.get(CalendarDay, day)
        if row is None:
            ctx.session.add(CalendarDay(day=day, workday=workday, note=note))
        else:
            row.workday, row.note = workday, note
    ctx.session.flush()
    _CALENDARS.pop(str(ctx.session.get_bind().engine.url), None)


def calendar_days(ctx: Ctx, year: int) -> list[CalendarDay]:
    return list(ctx.session.scalars(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                              CalendarDay.day <= date(year, 12, 31))
                                    .order_by(CalendarDay.day)))


def line_facts(line: OrderLine, order: Order) -> LineFacts:
    gifts = tuple(Gift(str(g.get("name") or g.get("sku") or g), _gift_value(g)) if isinstance(g, dict)
                  else Gift(str(g)) for g in (line.gifts or []))
    return LineFacts(category=line.category, tags=frozenset(line.tags or ()), unit_price_fen=line.unit_price_fen,
                     qty=line.qty, paid_fen=line.paid_fen, warranty_months=line.warranty_months,
                     serials=tuple(line.serials or ()), gifts=gifts, invoice_at=order.invoice_at)


def _gift_value(gift: dict[str, Any]) -> int | None:
    value = gift.get("value")
    return parse_yuan(value, trim=True) if value not in (None, "") else None


def sale_facts(order: Order, shipments: list[Shipment], *, installed_at: datetime | None = None) -> SaleFacts:
    shipped = min((s.shipped_at for s in shipments if s.shipped_at), default=None)
    delivered = max((s.delivered_at for s in shipments if s.delivered_at), default=None)
    signed = max((s.signed_at for s in shipments if s.signed_at), default=None)
    installed = installed_at or _extra_time(order, "installed_at")
    return SaleFacts(channel=order.channel, free_shipping=order.free_shipping, shipped_at=shipped,
                     delivered_at=delivered, signed_at=signed, installed_at=installed)


def _extra_time(order: Order, key: str) -> datetime | None:
    value = (order.extra or {}).get(key)
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else None


def evaluate(ctx: Ctx, store: Store, order: Order, line: OrderLine, shipments: list[Shipment], claim: Claim,
             as_of: datetime, policy: StorePolicy) -> Eligibility:
    return decide(line_facts(line, order), sale_facts(order, shipments), claim, policy.for_category(line.category),
                  as_of, tz=ZoneInfo(store.timezone), calendar=holiday_calendar(ctx),
                  use_workday_extension=ctx.settings.extend_periods_to_workday)


def order_entitlements(ctx: Ctx, order: Order) -> list[dict[str, Any]]:
    """Per line, what the customer may ask for now — with no reason, and for a quality problem."""
    store = ctx.session.get_one(Store, order.store_id)
    shipments = orders.shipments_of(ctx, order.id)
    received = any(s.signed_at or s.delivered_at for s in shipments)
    _, policy = policy_in_force(ctx, store)
    now = ctx.clock.now()
    out = []
    for line in orders.lines_of(ctx, order.id):
        out.append({"line": line, **{ground: evaluate(ctx, store, order, line, shipments,
                                                      Claim(ground=ground, received=received), now, policy)
                                     for ground in ("none", "quality")}})
    return out
