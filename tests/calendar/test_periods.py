"""Period arithmetic: 民法典 Arts. 201–203 in the store's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.calendar import (
    HolidayCalendar,
    add_months,
    end_of_local_day,
    extend_to_workday,
    make_period,
    period_last_day,
    period_last_day_months,
    within,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
CAL = HolidayCalendar()


class TestPeriodLastDay:
    def test_the_start_day_is_not_counted(self) -> None:
        assert period_last_day(datetime(2026, 3, 1, 23, 50, tzinfo=SH), 7, SH) == date(2026, 3, 8)

    def test_it_counts_in_the_store_zone_not_utc(self) -> None:
        signed = datetime(2026, 3, 1, 23, 50, tzinfo=NY)  # already 2026-03-02 in UTC
        assert signed.astimezone(UTC).date() == date(2026, 3, 2)
        assert period_last_day(signed, 7, NY) == date(2026, 3, 8)
        assert period_last_day(datetime(2026, 3, 1, 16, 30, tzinfo=UTC), 7, SH) == date(2026, 3, 9)

    def test_it_refuses_naive_datetimes(self) -> None:
        with pytest.raises(ValueError):
            period_last_day(datetime(2026, 3, 1), 7, SH)

    def test_months_end_on_the_corresponding_day_or_month_end(self) -> None:
        assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
        assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
        assert add_months(date(2027, 1, 31), 13) == date(2028, 2, 29)
        assert period_last_day_months(datetime(2026, 3, 2, 10, tzinfo=SH), 12, SH) == date(2027, 3, 2)


class TestExtendToWorkday:
    def test_a_holiday_last_day_moves_to_the_first_working_day(self) -> None:
        assert extend_to_workday(date(2026, 10, 1), CAL) == date(2026, 10, 8)

    def test_a_make_up_working_saturday_stays(self) -> None:
        assert extend_to_workday(date(2026, 10, 10), CAL) == date(2026, 10, 10)

    def test_a_working_day_stays(self) -> None:
        assert extend_to_workday(date(2026, 3, 9), CAL) == date(2026, 3, 9)


class TestEndOfLocalDay:
    def test_it_is_23_59_59_local(self) -> None:
        end = end_of_local_day(date(2026, 3, 8), NY)
        assert end.utcoffset() == timedelta(hours=-4)  # DST began that morning
        assert (end.date(), end.time()) == (date(2026, 3, 8), time(23, 59, 59))

    def test_an_instant_is_within_iff_its_local_date_is_not_later(self) -> None:
        assert within(datetime(2026, 3, 8, 23, 59, 59, 999999, tzinfo=SH), date(2026, 3, 8), SH)
        assert not within(datetime(2026, 3, 9, 0, 0, tzinfo=SH), date(2026, 3, 8), SH)


class TestMakePeriod:
    def test_it_reports_an_extension_and_missing_data(self) -> None:
        p = make_period(datetime(2026, 9, 24, 10, tzinfo=SH), SH, CAL, days=7)
        assert (p.nominal_last_day, p.last_day, p.extended, p.missing_years) == (
            date(2026, 10, 1), date(2026, 10, 8), True, ())
        q = make_period(datetime(2028, 2, 22, 10, tzinfo=SH), SH, CAL, days=7)
        assert (q.last_day, q.missing_years) == (date(2028, 2, 29), (2028,))

    def test_excluded_days_lengthen_it(self) -> None:
        p = make_period(datetime(2026, 3, 2, 10, tzinfo=SH), SH, None, months=12, extra_days=20)
        assert p.last_day == date(2027, 3, 22)


ZONES = st.sampled_from([SH, NY, ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")])
INSTANTS = st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(start=INSTANTS, days=st.integers(0, 400), tz=ZONES)
def test_the_extended_last_day_is_a_workday_not_before_start_plus_n(start: datetime, days: int, tz: ZoneInfo) -> None:
    p = make_period(start, tz, CAL, days=days)
    assert p.last_day >= start.astimezone(tz).date() + timedelta(days=days)
    assert p.nominal_last_day == start.astimezone(tz).date() + timedelta(days=days)
    assert CAL.is_workday(p.last_day)
    assert all(CAL.is_rest_day(p.nominal_last_day + timedelta(days=i)) for i in range((p.last_day - p.nominal_last_day).days))
    until = p.until(tz)
    assert until.time() == time(23, 59, 59) and until.date() == p.last_day


@settings(max_examples=200, deadline=None)
@given(d1=st.dates(date(2004, 1, 1), date(2030, 12, 1)), gap=st.integers(0, 30))
def test_extension_is_monotone(d1: date, gap: int) -> None:
    assert extend_to_workday(d1, CAL) <= extend_to_workday(d1 + timedelta(days=gap), CAL)
