"""HolidayCalendar: built-in data, admin overrides, and the visible Mon–Fri fallback."""

from __future__ import annotations

from datetime import date

import pytest

from shouhou.calendar import HolidayCalendar


class TestHolidayCalendar:
    cal = HolidayCalendar()

    def test_it_knows_national_day(self) -> None:
        assert self.cal.is_rest_day(date(2026, 10, 1))
        assert self.cal.is_workday(date(2026, 10, 8))

    def test_it_knows_a_make_up_working_saturday(self) -> None:
        assert date(2026, 10, 10).weekday() == 5
        assert self.cal.is_workday(date(2026, 10, 10))

    def test_an_ordinary_weekend_is_a_rest_day(self) -> None:
        assert self.cal.is_rest_day(date(2026, 3, 8))

    def test_next_workday_skips_the_whole_holiday(self) -> None:
        assert self.cal.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
        assert self.cal.next_workday(date(2026, 10, 9)) == date(2026, 10, 10)

    def test_it_covers_only_the_years_it_has(self) -> None:
        assert self.cal.covers(2026)
        assert not self.cal.covers(2027)
        assert not self.cal.covers(2028)
        assert self.cal.missing_years([date(2026, 12, 31), date(2027, 1, 4)]) == (2027,)

    def test_an_uncovered_year_falls_back_to_monday_to_friday(self) -> None:
        assert self.cal.is_workday(date(2028, 2, 29))  # a Tuesday
        assert self.cal.is_rest_day(date(2028, 3, 4))  # a Saturday
        assert self.cal.is_workday(date(2027, 10, 1))  # National Day unknown without data

    def test_overrides_fill_a_later_year_and_make_it_covered(self) -> None:
        cal = HolidayCalendar({date(2027, 10, 1): False, date(2027, 9, 26): True})
        assert cal.covers(2027)
        assert cal.is_rest_day(date(2027, 10, 1))
        assert cal.is_workday(date(2027, 9, 26))  # a Sunday, made a working day

    def test_overrides_win_over_built_in_data(self) -> None:
        cal = HolidayCalendar({date(2026, 10, 8): False})
        assert cal.is_rest_day(date(2026, 10, 8))
        assert cal.next_workday(date(2026, 9, 30)) == date(2026, 10, 9)

    def test_without_built_in_data_only_overrides_count(self) -> None:
        cal = HolidayCalendar(use_builtin=False)
        assert not cal.covers(2026)
        assert cal.is_workday(date(2026, 10, 1))  # a Thursday under the fallback

    def test_it_refuses_non_date_keys(self) -> None:
        with pytest.raises(TypeError):
            HolidayCalendar({"2027-10-01": False})  # type: ignore[dict-item, unused-ignore]
