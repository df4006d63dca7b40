"""Business hours on the Chinese calendar: weekends, public holidays, make-up working days (调休),
a lunch break, a store's own exceptions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.calendar import HolidayCalendar
from shouhou.calendar.business import DEFAULT_WEEK, BusinessHours, intervals, parse_hhmm, week_from

SH = ZoneInfo("Asia/Shanghai")
HOLIDAYS = HolidayCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def hours(week=DEFAULT_WEEK, exceptions=None) -> BusinessHours:
    return BusinessHours(SH, week, exceptions or {}, HOLIDAYS)


class TestAdding:
    def test_it_skips_the_lunch_break(self):
        assert hours().add(at("2026-11-23 11:00"), 2 * 3600) == at("2026-11-23 14:00")

    def test_it_skips_the_weekend(self):
        # Friday 17:00 + 2 h: one hour on Friday, one on Monday
        assert hours().add(at("2026-11-27 17:00"), 2 * 3600) == at("2026-11-30 10:00")

    def test_it_skips_national_day(self):
        # 2026-10-01..07 are public holidays: the 30th's last hour, then the 8th
        assert hours().add(at("2026-09-30 17:00"), 2 * 3600) == at("2026-10-08 10:00")

    def test_it_works_a_make_up_saturday(self):
        # 2026-10-10 is a Saturday made a working day (调休): Monday's hours apply
        assert HOLIDAYS.is_workday(date(2026, 10, 10))
        assert hours().add(at("2026-10-09 17:00"), 2 * 3600) == at("2026-10-10 10:00")

    def test_a_store_open_on_saturdays_is_closed_on_a_holiday_saturday(self):
        week = week_from({d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")})
        # 2026-10-03 is a Saturday in the National Day holiday
        assert hours(week).add(at("2026-09-30 17:00"), 2 * 3600) == at("2026-10-08 10:00")
        assert hours(week).add(at("2026-11-27 17:00"), 2 * 3600) == at("2026-11-28 10:00")

    def test_an_exception_closes_or_shortens_a_day(self):
        closed = hours(exceptions={date(2026, 11, 24): ()})
        assert closed.add(at("2026-11-23 17:00"), 2 * 3600) == at("2026-11-25 10:00")
        short = hours(exceptions={date(2026, 11, 24): intervals([["09:00", "09:30"]])})
        assert short.add(at("2026-11-23 17:00"), 2 * 3600) == at("2026-11-25 09:30")

    def test_it_starts_at_the_next_opening_outside_hours(self):
        assert hours().add(at("2026-11-23 07:00"), 60) == at("2026-11-23 09:01")
        assert hours().add(at("2026-11-23 12:30"), 60) == at("2026-11-23 13:01")

    def test_a_day_may_end_at_midnight(self):
        week = week_from({"mon": [["20:00", "24:00"]], "tue": [["00:00", "02:00"]]})
        assert BusinessHours(SH, week).add(at("2026-11-23 23:00"), 2 * 3600) == at("2026-11-24 01:00")


class TestCounting:
    def test_it_counts_only_open_hours(self):
        assert hours().seconds_between(at("2026-11-27 17:00"), at("2026-11-30 10:00")) == 2 * 3600
        assert hours().seconds_between(at("2026-09-30 17:00"), at("2026-10-08 10:00")) == 2 * 3600

    @settings(max_examples=200, deadline=None)
    @given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)),
           seconds=st.integers(min_value=0, max_value=40 * 8 * 3600))
    def test_counting_undoes_adding(self, start, seconds):
        begin = start.replace(tzinfo=SH)
        assert hours().seconds_between(begin, hours().add(begin, seconds)) == pytest.approx(seconds)


class TestParsing:
    def test_it_refuses_bad_hours(self):
        for bad in (["9:00"], ["12:00", "09:00"], ["09:00", "25:00"], ["24:00", "24:00"]):
            with pytest.raises(ValueError):
                intervals([bad])
        with pytest.raises(ValueError):
            intervals([["09:00", "12:00"], ["11:00", "13:00"]])
        with pytest.raises(ValueError):
            week_from({"monday": []})
        assert parse_hhmm("24:00", end=True) == 1440

    def test_no_open_hours_at_all_is_an_error(self):
        with pytest.raises(ValueError):
            BusinessHours(SH, ((),) * 7).add(at("2026-11-23 10:00"), 60)
