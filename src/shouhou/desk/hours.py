"""A store's business hours: kept in `desk_settings`, read through the store's configuration cache,
and the one business clock the SLA and the `business-time` endpoint share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shouhou.accounts import service as accounts
from shouhou.calendar.business import (
    DEFAULT_WEEK,
    WEEKDAYS,
    BusinessHours,
    Interval,
    format_hhmm,
    intervals,
    week_from,
)
from shouhou.desk import repository as repo
from shouhou.desk.schemas import BusinessHoursIn
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Invalid
from shouhou.fields import local_iso
from shouhou.models import Store
from shouhou.policies import service as policies


@dataclass(frozen=True)
class StoreHours:
    """What a store configured, parsed once per configuration (the holiday data is added per use)."""

    timezone: str
    week: tuple[tuple[Interval, ...], ...]
    exceptions: dict[date, tuple[Interval, ...]]
    default: bool


def _load(ctx: Ctx, store: Store) -> StoreHours:
    row = repo.settings_of(ctx.session, store.id)
    if row is None or row.weekdays is None:
        week, default = DEFAULT_WEEK, True
    else:
        week, default = week_from(row.weekdays), False
    exceptions = {date.fromisoformat(e["date"]): intervals(e.get("hours", ())) for e in (row.exceptions if row else [])}
    return StoreHours((row.timezone if row else None) or store.timezone, week, exceptions, default)


def store_hours(ctx: Ctx, store: Store) -> StoreHours:
    return accounts.store_cached(store, "desk.hours", lambda: _load(ctx, store))


def business_hours(ctx: Ctx, store: Store) -> BusinessHours:
    """Kept with the store's configuration (and the holiday data it was made with), so that the days
    it has worked out serve the next request too."""
    calendar = policies.holiday_calendar(ctx)
    kept: list[BusinessHours] = accounts.store_cached(store, "desk.business", list)  # one slot
    if not kept or kept[0].holidays is not calendar:  # the holiday data is re-read once a minute
        hours = store_hours(ctx, store)
        kept[:] = [BusinessHours(ZoneInfo(hours.timezone), hours.week, hours.exceptions, calendar)]
    return kept[0]


def document(ctx: Ctx, code: str) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.read", store.id)
    hours = store_hours(ctx, store)
    return {
        "store": store.code, "timezone": hours.timezone, "default": hours.default,
        "weekdays": {name: [[format_hhmm(a), format_hhmm(b)] for a, b in hours.week[i]]
                     for i, name in enumerate(WEEKDAYS)},
        "exceptions": [{"date": d.isoformat(), "hours": [[format_hhmm(a), format_hhmm(b)] for a, b in h]}
                       for d, h in sorted(hours.exceptions.items())],
    }


def put(ctx: Ctx, code: str, body: BusinessHoursIn) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.admin", store.id)
    try:
        ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("invalid_timezone", en="{tz} is not an IANA time zone", zh="{tz} 不是有效的时区",
                      tz=body.timezone) from None
    try:
        week_from({str(k): v for k, v in body.weekdays.items()})
        seen: set[str] = set()
        for e in body.exceptions:
            intervals(e.hours)
            if e.date.isoformat() in seen:
                raise ValueError(f"{e.date} is given twice")
            seen.add(e.date.isoformat())
    except ValueError as exc:
        raise Invalid("invalid_business_hours", en="Business hours: {why}", zh="营业时间不正确: {why}",
                      why=str(exc)) from None
    row = repo.settings_for_update(ctx.session, store.id, ctx.clock.now())
    row.timezone = body.timezone
    row.weekdays = {k: [list(p) for p in v] for k, v in body.weekdays.items()}
    row.exceptions = [{"date": e.date.isoformat(), "hours": [list(p) for p in e.hours]} for e in body.exceptions]
    row.updated_at = ctx.clock.now()
    accounts.store_config_changed(store)
    ctx.session.flush()
    return document(ctx, code)



def due_at(ctx: Ctx, code: str, start: datetime, minutes: int, business: bool = True) -> str:
    """The store's business clock: `minutes` business minutes after `start` (calendar minutes when
    `business` is false) — the function the SLA uses — in the store's zone."""
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.read", store.id)
    clock = business_hours(ctx, store)
    due = clock.add(start, minutes * 60) if business else start + timedelta(minutes=minutes)
    return local_iso(due, clock.tz) or ""
