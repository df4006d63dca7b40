"""Business hours: a store's working intervals per weekday, Chinese public holidays and make-up
working days (调休) from `HolidayCalendar`, and dates an admin entered as exceptions.

Pure: service levels (desk/sla.py) and the `business-time` endpoint ask the same two questions
of it — "when is N business seconds after this instant?" and "how many business seconds lie
between these two instants?" — in the store's zone, walking day by day (no "24 hours" are added,
so DST and odd zones are right).

Which hours a date has, first rule that applies:
1. an admin-entered exception for that date (an empty list closes it);
2. a public holiday (法定节假日, National Day's week say) is closed, even where the store works weekends;
3. a make-up working day (调休, a Saturday the State Council made a working day) on a weekday the
   store does not open has the hours of the store's first working weekday (Monday's, usually);
4. else the weekday's hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from shouhou.calendar.holidays import HolidayCalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
# How far to look for the next open hour before calling the calendar broken (no hours at all).
_MAX_CLOSED_DAYS = 400
_MAX_KEPT_DAYS = 4096

Interval = tuple[int, int]  # minutes after local midnight, [start, end); end may be 1440 (24:00)


def parse_hhmm(text: str, *, end: bool = False) -> int:
    """'09:30' → 570; '24:00' only as an interval's end."""
    hh, sep, mm = text.partition(":")
    if not sep or not (hh.isdigit() and mm.isdigit()) or len(mm) != 2 or not 1 <= len(hh) <= 2:
        raise ValueError(f"{text!r} is not a time of day as HH:MM")
    minutes = int(hh) * 60 + int(mm)
    if int(mm) >= 60 or minutes > DAY_MINUTES or (minutes == DAY_MINUTES and not end):
        raise ValueError(f"{text!r} is not a time of day")
    return minutes


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def intervals(pairs: Sequence[Sequence[str]]) -> tuple[Interval, ...]:
    """[["09:00", "12:00"], ["13:00", "18:00"]] → sorted, non-overlapping minute intervals."""
    out = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError("each interval is [start, end]")
        start, stop = parse_hhmm(pair[0]), parse_hhmm(pair[1], end=True)
        if stop <= start:
            raise ValueError(f"{pair[0]}–{pair[1]}: the end must come after the start")
        out.append((start, stop))
    out.sort()
    for (_, a_end), (b_start, _) in pairwise(out):
        if b_start < a_end:
            raise ValueError("intervals overlap")
    return tuple(out)


@dataclass(frozen=True)
class BusinessHours:
    tz: ZoneInfo
    weekdays: tuple[tuple[Interval, ...], ...]  # Monday first, seven entries
    exceptions: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    holidays: HolidayCalendar | None = None
    # Each date's spans once computed: a clock asks of the same few days again and again.
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if len(self.weekdays) != 7:
            raise ValueError("seven weekdays, Monday first")

    @property
    def workday_hours(self) -> tuple[Interval, ...]:
        """What a make-up working day (调休) opens: the first working weekday's hours."""
        return next((h for h in self.weekdays[:5] if h), ())

    def hours_on(self, d: date) -> tuple[Interval, ...]:
        if d in self.exceptions:
            return self.exceptions[d]
        own = self.weekdays[d.weekday()]
        if self.holidays is not None:
            if self.holidays.is_holiday(d):
                return ()
            if not own and self.holidays.is_workday(d):
                return self.workday_hours
            if own and d.weekday() < 5 and not self.holidays.is_workday(d):
                return ()  # a weekday rest day the data knows no name for: closed all the same
        return own

    def _spans(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """The day's open intervals as aware instants."""
        found = self._days.get(d)
        if found is None:
            if len(self._days) > _MAX_KEPT_DAYS:
                self._days.clear()
            found = self._days[d] = self._compute_spans(d)
        return found

    def _compute_spans(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        out = []
        for start, stop in self.hours_on(d):
            a = datetime.combine(d, time(start // 60, start % 60), tzinfo=self.tz)
            b = (datetime.combine(d + timedelta(days=1), time(0), tzinfo=self.tz) if stop == DAY_MINUTES
                 else datetime.combine(d, time(stop // 60, stop % 60), tzinfo=self.tz))
            out.append((a, b))
        return tuple(out)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant `seconds` business seconds after `start` (start itself for 0)."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        if start.tzinfo is None:
            raise ValueError("start must be aware")
        remaining = float(seconds)
        if remaining == 0:
            return start
        day = start.astimezone(self.tz).date()
        closed = 0
        while True:
            spans = self._spans(day)
            for a, b in spans:
                if b <= start:
                    continue
                begin = max(a, start)
                available = (b - begin).total_seconds()
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
            closed = 0 if spans else closed + 1
            if closed > _MAX_CLOSED_DAYS:
                raise ValueError("the business calendar has no open hours")
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds in [start, end); 0 when end is not after start."""
        if end <= start:
            return 0.0
        total = 0.0
        day, last = start.astimezone(self.tz).date(), end.astimezone(self.tz).date()
        while day <= last:
            for a, b in self._spans(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total


@dataclass(frozen=True)
class CalendarTime:
    """The same two questions on the wall clock, for targets counted in calendar time."""

    def add(self, start: datetime, seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        return max(0.0, (end - start).total_seconds())


WALL_CLOCK = CalendarTime()

# Mon–Fri 09:00–12:00 and 13:00–18:00: a shop's usual hours with a lunch break, until a store sets its own.
DEFAULT_WEEK: tuple[tuple[Interval, ...], ...] = (((540, 720), (780, 1080)),) * 5 + ((), ())


def week_from(days: Mapping[str, Sequence[Sequence[str]]]) -> tuple[tuple[Interval, ...], ...]:
    unknown = set(days) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekdays {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
    return tuple(intervals(days.get(name, ())) for name in WEEKDAYS)
