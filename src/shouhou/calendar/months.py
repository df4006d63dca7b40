"""Calendar months written yyyy-mm, as the monthly reports take them: pure arithmetic, and a
month's bounds in a store's zone."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

# Years 1900-2200, as every date the API takes.
MONTH_PATTERN = r"^(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def local_month(at: datetime, tz: tzinfo) -> str:
    """The month an instant falls in where the store is."""
    return month_of(at.astimezone(tz).date())


def shift(month: str, months: int) -> str:
    """The month `months` after (or before, negative) a yyyy-mm month."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's: midnight where the store is."""
    def first(m: str) -> datetime:
        return datetime.combine(date(int(m[:4]), int(m[5:7]), 1), time(0), tzinfo=tz)
    return first(month), first(shift(month, 1))
