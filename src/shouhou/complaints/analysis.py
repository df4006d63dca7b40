"""The monthly complaint analysis (SPEC §8, seed 002): how many came in and of what kind, how many
were founded, settled and closed and how fast, what was paid, and how satisfied the customers were.
Pure: one plain row per complaint in, figures out; months in the store's zone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, tzinfo

from shouhou.calendar.months import local_month


@dataclass(frozen=True)
class Row:
    created_at: datetime
    closed_at: datetime | None
    status: str
    category: str
    found_at: datetime | None
    agreed_at: datetime | None
    compensation_fen: int | None
    follow_ups: tuple[tuple[datetime, bool, int | None], ...]  # (at, satisfied, score)


def _in(at: datetime | None, month: str, tz: tzinfo) -> bool:
    return at is not None and local_month(at, tz) == month


def summarize(rows: list[Row], month: str, tz: tzinfo) -> dict:
    came = [r for r in rows if _in(r.created_at, month, tz)]
    ended = [r for r in rows if _in(r.closed_at, month, tz)]
    closed = [r for r in ended if r.status == "closed"]
    open_at_end = [r for r in rows if local_month(r.created_at, tz) <= month
                   and (r.closed_at is None or local_month(r.closed_at, tz) > month)]
    calls = [f for r in rows for f in r.follow_ups if _in(f[0], month, tz)]
    scores = [s for _, _, s in calls if s is not None]
    hours = [(r.closed_at - r.created_at).total_seconds() / 3600 for r in closed if r.closed_at is not None]
    by_category = Counter(r.category for r in came)
    return {
        "month": month, "registered": len(came),
        "by_category": [{"category": c, "count": n} for c, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))],
        "founded": sum(1 for r in rows if _in(r.found_at, month, tz)),
        "agreed": sum(1 for r in rows if _in(r.agreed_at, month, tz)),
        "compensation_fen": sum(r.compensation_fen or 0 for r in rows if _in(r.agreed_at, month, tz)),
        "closed": len(closed), "withdrawn": sum(1 for r in ended if r.status == "withdrawn"),
        "open_at_end": len(open_at_end),
        "average_hours_to_close": round(sum(hours) / len(hours), 1) if hours else None,
        "follow_ups": len(calls), "satisfied": sum(1 for _, ok, _ in calls if ok),
        "average_score": round(sum(scores) / len(scores), 2) if scores else None,
    }
