"""What the portal's and the console's repair forms share: a preferred day and half-day as a time window."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.errors import Invalid

HALF_DAYS = {"am": (time(9), time(12)), "pm": (time(13), time(18)), "": (time(9), time(18))}


def preferred(form: Any, tz: ZoneInfo) -> dict[str, str] | None:
    """`day` (yyyy-mm-dd) and `part` (am, pm or the whole working day) as the API's `preferred_time`."""
    day, part = str(form.get("day") or ""), str(form.get("part") or "")
    if not day:
        return None
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Invalid("invalid_date", en="The date is yyyy-mm-dd", zh="日期格式为 yyyy-mm-dd") from None
    start, end = HALF_DAYS.get(part, HALF_DAYS[""])
    return {"start": datetime.combine(when, start, tzinfo=tz).isoformat(),
            "end": datetime.combine(when, end, tzinfo=tz).isoformat()}
