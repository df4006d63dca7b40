"""The damage register (破损登记簿, seed 001): its month in the store's zone, and its totals.
Pure: plain values in, plain values out."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo

MONTH_PATTERN = r"^(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Entry:
    """What the totals read of a report."""

    condition: str  # damaged | lost
    goods_value_fen: int
    answer: str  # pending | paid | declined
    compensation_fen: int | None


def is_month(text: str) -> bool:
    return re.match(MONTH_PATTERN, text) is not None


def month_of(at: datetime, tz: tzinfo) -> str:
    local = at.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in UTC: midnight where the store is."""
    y, m = int(month[:4]), int(month[5:7])
    after = (y + 1, 1) if m == 12 else (y, m + 1)
    start = datetime.combine(datetime(y, m, 1).date(), time(0), tzinfo=tz)
    end = datetime.combine(datetime(after[0], after[1], 1).date(), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def totals(entries: Iterable[Entry]) -> dict[str, int]:
    """How many reports, of which kind, what the goods were worth and what the carriers paid (fen)."""
    out = {"reports": 0, "damaged": 0, "lost": 0, "goods_value_fen": 0, "compensation_fen": 0, "pending": 0}
    for e in entries:
        out["reports"] += 1
        out[e.condition] += 1
        out["goods_value_fen"] += e.goods_value_fen
        out["compensation_fen"] += e.compensation_fen or 0
        out["pending"] += e.answer == "pending"
    return out


def answer(carrier_answer: str | None) -> str:
    """Where a report's claim stands: pending until the carrier pays or declines."""
    return carrier_answer or "pending"
