"""The one source of 'now'. Everything takes a Clock; nothing else calls datetime.now()."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, `timers run --as-of`)."""

    def __init__(self, at: datetime) -> None:
        self._at = ensure_aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = ensure_aware(at)

    def advance(self, **delta: float) -> datetime:
        self._at += timedelta(**delta)
        return self._at


def ensure_aware(dt: datetime) -> datetime:
    """Refuse naive datetimes: comparing naive and aware values is a bug."""
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(f"naive datetime {dt!r}: a time zone is required")
    return dt.astimezone(UTC)


# What was done is recorded once done: a time later than now is a typo (2062 for 2026) or a wrong
# clock, allowing for a phone's or a sender's clock running a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=10)


def ahead(now: datetime, **times: datetime | None) -> str | None:
    """The name of the first of `times` later than `now` (past CLOCK_SKEW), else None."""
    return next((name for name, at in times.items() if at is not None and at > now + CLOCK_SKEW), None)
