"""Which days are working days in mainland China: public holidays and make-up days (调休).

Built-in data comes from the `chinese_calendar` package, which only knows the years the
State Council has already announced. Admins fill later years (and correct any day) with
overrides. A year that neither covers falls back to Monday–Friday working days, and says
so through `covers()`, so a decision can tell its reader that the data was missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants as _cc

# chinese_calendar raises for dates outside the years it ships; read its range once.
_BUILTIN_YEARS = range(min(_cc.holidays).year, max(_cc.holidays).year + 1)

# Generous bound for the workday search: the longest run of rest days in a year is the
# Spring Festival week plus a weekend; 60 days means broken data, not a long holiday.
_MAX_REST_RUN = 60


class HolidayCalendar:
    """Working days and 法定休假日 (public holidays and weekend rest days).

    `overrides` maps a date to True (a working day, e.g. a make-up Saturday) or False
    (a rest day). Overrides win over the built-in data. A year with at least one override
    counts as entered by an admin: its other days follow the weekday rule.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None, use_builtin: bool = True) -> None:
        self._overrides: dict[date, bool] = {}
        for day, working in (overrides or {}).items():
            if not isinstance(day, date):
                raise TypeError(f"override keys must be dates, got {day!r}")
            self._overrides[_as_date(day)] = bool(working)
        self._use_builtin = use_builtin
        self._override_years = frozenset(d.year for d in self._overrides)
        # A calendar never changes once built (a process keeps one for a minute): remember
        # each last day's extension, which every application asks for a few times.
        self._extended: dict[date, tuple[date, tuple[int, ...]]] = {}

    # -- coverage -------------------------------------------------------------------

    def builtin_covers(self, year: int) -> bool:
        return self._use_builtin and year in _BUILTIN_YEARS

    def covers(self, year: int) -> bool:
        """True when holiday data for `year` is known (built in or entered by an admin)."""
        return self.builtin_covers(year) or year in self._override_years

    def missing_years(self, days: Iterable[date]) -> tuple[int, ...]:
        """The years among `days` for which only the Mon–Fri fallback was available."""
        return tuple(sorted({d.year for d in days if not self.covers(d.year)}))

    # -- days -------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        d = _as_date(d)
        if d in self._overrides:
            return self._overrides[d]
        if self.builtin_covers(d.year):
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5

    def is_holiday(self, d: date) -> bool:
        """A public holiday (法定节假日), as opposed to an ordinary weekend: a business calendar
        closes on it even where the store works weekends. An admin-entered rest day is one."""
        d = _as_date(d)
        if d in self._overrides:
            return not self._overrides[d]
        if self.builtin_covers(d.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(d)
            return bool(on_holiday and name)
        return False

    def is_rest_day(self, d: date) -> bool:
        """法定休假日: a public holiday, or a weekend day that is not a make-up working day."""
        return not self.is_workday(d)

    def next_workday(self, d: date) -> date:
        """The first working day strictly after `d`."""
        d = _as_date(d)
        for step in range(1, _MAX_REST_RUN + 1):
            candidate = d + timedelta(days=step)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_REST_RUN} days after {d}: check the holiday overrides")

    def extend(self, last_day: date) -> tuple[date, tuple[int, ...]]:
        """民法典 Art. 203: the last day, moved to the next working day if it is a rest day, and
        the years among the days examined that had no holiday data."""
        known = self._extended.get(last_day)
        if known is None:
            last = last_day if self.is_workday(last_day) else self.next_workday(last_day)
            examined = [last_day + timedelta(days=i) for i in range((last - last_day).days + 1)]
            known = self._extended[last_day] = (last, self.missing_years(examined))
        return known

    def overrides(self) -> dict[date, bool]:
        return dict(self._overrides)


def _as_date(d: date) -> date:
    # datetime is a subclass of date; a decision works on calendar dates only.
    return date(d.year, d.month, d.day)
