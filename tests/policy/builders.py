"""Deterministic builders for policy tests: local times in Shanghai, typical lines and sales."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.calendar import HolidayCalendar
from shouhou.policy import Claim, Eligibility, LineFacts, SaleFacts, StorePolicy, decide

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
CAL = HolidayCalendar()


def at(text: str, tz: ZoneInfo = SH) -> datetime:
    """'2026-03-02 10:00' (or with seconds) as an aware local time."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=tz)


SIGNED = at("2026-03-02 10:00")  # a Monday: the 7-day window ends Monday 2026-03-09

APPAREL = LineFacts(category="apparel", unit_price_fen=19900, qty=1, paid_fen=19900)
APPLIANCE = LineFacts(category="home_appliance", tags=frozenset({"sanbao"}), unit_price_fen=300000, qty=1,
                      paid_fen=300000, warranty_months=12, invoice_at=at("2026-03-01 09:00"),
                      depreciation_rate_per_day=Decimal("0.001"))
CAR = LineFacts(category="car", tags=frozenset({"vehicle"}), unit_price_fen=20_000_000, qty=1, paid_fen=20_000_000,
                warranty_months=24, repair_warranty_months=36, invoice_at=at("2026-03-01 09:00"),
                usage_coefficient=Decimal("0.005"))


def line(base: LineFacts = APPAREL, **changes: Any) -> LineFacts:
    return replace(base, **changes)


def online(signed: datetime | None = SIGNED, **changes: Any) -> SaleFacts:
    base = SaleFacts(channel="online", shipped_at=at("2026-02-28 18:00"), delivered_at=signed, signed_at=signed)
    return replace(base, **changes)


def run(line_: LineFacts, sale: SaleFacts, claim: Claim, as_of: datetime, policy: StorePolicy | None = None,
        *, tz: ZoneInfo = SH, calendar: HolidayCalendar = CAL, extension: bool = True) -> Eligibility:
    return decide(line_, sale, claim, policy or StorePolicy(), as_of, tz=tz, calendar=calendar,
                  use_workday_extension=extension)
