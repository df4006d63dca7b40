"""The damage register (破损登记簿, seed 001): its month in the store's zone, and its totals.
Pure: plain values in, plain values out."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from shouhou.calendar.months import MONTH_PATTERN, bounds
from shouhou.calendar.months import local_month as month_of

__all__ = ["MONTH_PATTERN", "Entry", "answer", "bounds", "is_month", "month_of", "totals"]


@dataclass(frozen=True)
class Entry:
    """What the totals read of a report."""

    condition: str  # damaged | lost
    goods_value_fen: int
    answer: str  # pending | paid | declined
    compensation_fen: int | None


def is_month(text: str) -> bool:
    return re.match(MONTH_PATTERN, text) is not None


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
