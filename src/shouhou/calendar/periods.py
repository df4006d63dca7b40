"""Period arithmetic for statutory and policy windows (民法典 Arts. 201–203).

A period "within N days" does not count the day it starts (Art. 201): signed for on
2026-03-01 at 23:50 local time, a 7-day period runs 03-02 … 03-08. Month periods end on
the corresponding day of the due month, or the month's last day (Art. 202). A last day
that is a 法定休假日 moves to the first working day after it (Art. 203), and the last
day ends at 24:00 local time: an instant is within the period iff its local date is on
or before the last day.

Everything is date arithmetic in the store's zone, so it works in any IANA zone and is
not disturbed by DST (no "24 hours" are ever added).
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shouhou.calendar.holidays import HolidayCalendar

END_OF_DAY = time(23, 59, 59)


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
        raise ValueError(f"naive datetime {instant!r}: a time zone is required")
    return instant


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date of `instant` in the zone `tz`."""
    return _aware(instant).astimezone(tz).date()


def add_months(d: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day (民法典 Art. 202)."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, _stdcal.monthrange(year, month)[1]))


def period_last_day(start: datetime, days: int, tz: ZoneInfo) -> date:
    """Last day of a period of `days` days that starts at the instant `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    return local_date(start, tz) + timedelta(days=days)


def period_last_day_months(start: datetime, months: int, tz: ZoneInfo) -> date:
    """Last day of a period of whole months that starts at the instant `start`."""
    return add_months(local_date(start, tz), months)


def extend_to_workday(last_day: date, calendar: HolidayCalendar) -> date:
    """民法典 Art. 203: a last day that is a 法定休假日 ends on the next working day."""
    return calendar.extend(last_day)[0]


def end_of_local_day(d: date, tz: ZoneInfo) -> datetime:
    """d 23:59:59 in the zone `tz`, as an aware datetime (how a deadline is shown)."""
    return datetime.combine(d, END_OF_DAY, tzinfo=tz)


def within(instant: datetime, last_day: date, tz: ZoneInfo) -> bool:
    """True iff `instant` falls on or before `last_day`, counted in local dates."""
    return local_date(instant, tz) <= last_day


@dataclass(frozen=True)
class Period:
    """A computed period: its nominal and its (possibly extended) last day.

    `missing_years` names the years whose holiday data was not known while the extension
    was computed: the Mon–Fri fallback was used and a reader should be told.
    """

    start: date
    nominal_last_day: date
    last_day: date
    missing_years: tuple[int, ...] = ()

    @property
    def extended(self) -> bool:
        return self.last_day != self.nominal_last_day

    def until(self, tz: ZoneInfo) -> datetime:
        return end_of_local_day(self.last_day, tz)

    def contains(self, instant: datetime, tz: ZoneInfo) -> bool:
        return within(instant, self.last_day, tz)


def make_period(start: datetime, tz: ZoneInfo, calendar: HolidayCalendar | None, *,
                days: int = 0, months: int = 0, extra_days: int = 0) -> Period:
    """A period of `months` months plus `days` days, plus `extra_days` excluded days.

    `extra_days` lengthens the period by days that do not count (e.g. 三包 repair time).
    With a calendar the last day is extended per 民法典 Art. 203; without one it is not.
    """
    if extra_days < 0:
        raise ValueError("extra_days must not be negative")
    start_day = local_date(start, tz)
    nominal = add_months(start_day, months) + timedelta(days=days + extra_days)
    if calendar is None:
        return Period(start_day, nominal, nominal)
    last, missing = calendar.extend(nominal)
    return Period(start_day, nominal, last, missing)
