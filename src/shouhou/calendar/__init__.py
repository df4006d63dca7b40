"""Business calendar: Chinese public holidays, make-up working days and period arithmetic.

Pure: no database, no I/O. Business-hours SLA arithmetic will live here too (a later
issue), next to `HolidayCalendar`, which it will use for working days.
"""

from shouhou.calendar.holidays import HolidayCalendar
from shouhou.calendar.periods import (
    END_OF_DAY,
    Period,
    add_months,
    end_of_local_day,
    extend_to_workday,
    local_date,
    make_period,
    period_last_day,
    period_last_day_months,
    within,
)

__all__ = [
    "END_OF_DAY",
    "HolidayCalendar",
    "Period",
    "add_months",
    "end_of_local_day",
    "extend_to_workday",
    "local_date",
    "make_period",
    "period_last_day",
    "period_last_day_months",
    "within",
]
