"""A case's service-level clocks, read from its event log alone.

Both ways a case moves — the engine and the set-based timer sweep — write the same `case_event`
rows, so what the log says holds for every case of every type: when it was opened, when staff
first answered the customer, when the customer wrote again, which states it passed through and
when. The clocks run on the store's business hours (or the wall clock, per target), stop while
the case waits on whom the policy names (a state's `waits_on`), and the resolution clock stops
while the case is resolved or closed. Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shouhou.desk.sla_policy import Policy
from shouhou.engine.permissions import STAFF

# Payload fields that carry words to the customer: an action with one of them, taken by staff in
# public, answers the customer (a reply, a resolution, a remark on an approval).
MESSAGE_FIELDS = ("message", "reply", "resolution", "remark", "comment")
CUSTOMER_MESSAGES = frozenset({"customer_reply", "customer_message"})
WARNING_SHARE = 0.75


class Clock(Protocol):
    def add(self, start: datetime, seconds: float) -> datetime: ...
    def seconds_between(self, start: datetime, end: datetime) -> float: ...


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    to_status: str
    actor_role: str
    visibility: str
    says: bool  # carries words (MESSAGE_FIELDS)
    first: bool = False  # the event that opened the case

    @property
    def staff_response(self) -> bool:
        return (not self.first and self.visibility == "public" and self.actor_role in STAFF
                and (self.action == "reply" or self.says))

    @property
    def customer_message(self) -> bool:
        return not self.first and (self.action in CUSTOMER_MESSAGES or (self.actor_role in ("customer", "system") and self.says))


def says(payload: dict | None) -> bool:
    if not payload:
        return False
    return any(isinstance(payload.get(k), str) and payload[k].strip() for k in MESSAGE_FIELDS)


@dataclass(frozen=True)
class Reading:
    target: str
    status: str  # running | paused | met | breached
    due_at: datetime | None
    elapsed: float  # seconds on the target's clock, pauses excluded
    met_at: datetime | None
    target_seconds: int
    warn_at: datetime | None = None  # when 75 % of the target is (or would be) used up


# (start, end or None while it lasts)
Span = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class States:
    """What the workflow says of a status: whom it waits on, and whether the case is done there."""

    waits_on: Callable[[str], str | None]
    done: Callable[[str], bool]


def read(events: Sequence[Event], policy: Policy, states: States, clocks: Callable[[bool], Clock],
         now: datetime) -> list[Reading]:
    if not events:
        return []
    # The statuses in turn: [(since, status)].
    timeline = [(e.at, e.to_status) for e in events]

    def spans(start: datetime, end: datetime | None, *, stop_when_done: bool) -> list[Span]:
        """The stretches of [start, end) in which the clock runs."""
        out: list[Span] = []
        for i, (since, status) in enumerate(timeline):
            until = timeline[i + 1][0] if i + 1 < len(timeline) else None
            a = max(since, start)
            b = until if end is None else (end if until is None else min(until, end))
            if b is not None and b <= a:
                continue
            if (states.waits_on(status) or "") in policy.pause_on or (stop_when_done and states.done(status)):
                continue
            out.append((a, b))
        return out

    current = timeline[-1][1]
    paused_now = (states.waits_on(current) or "") in policy.pause_on
    done_now = states.done(current)
    out = []
    created = events[0].at
    first_done = next((e.at for e in events if states.done(e.to_status)), None)
    responses = [e.at for e in events if e.staff_response]
    first_response = responses[0] if responses else None
    for name, target in policy.targets:
        clock = clocks(target.business)
        limit = target.seconds
        if name == "first_response":
            end = min((t for t in (first_response, first_done) if t is not None), default=None)
            out.append(_settle(name, spans(created, end, stop_when_done=False), end, clock, limit, now,
                               paused_now, done_now))
        elif name == "resolution":
            last_done = _entered_last(events, states) if done_now else None
            out.append(_settle(name, spans(created, None, stop_when_done=True), last_done, clock, limit, now,
                               paused_now, done_now, ongoing=not done_now))
        elif name == "next_response" and first_response is not None:
            reading = _next_response(events, first_response, states, spans, clock, limit, now, paused_now, done_now)
            if reading is not None:
                out.append(reading)
    return out


def _entered_last(events: Sequence[Event], states: States) -> datetime:
    """When the case last entered the done states it is in now."""
    at = events[-1].at
    for e in reversed(events):
        if not states.done(e.to_status):
            break
        at = e.at
    return at


def _next_response(events: Sequence[Event], after: datetime, states: States, spans: Callable[..., list[Span]],
                   clock: Clock, limit: int, now: datetime, paused_now: bool, done_now: bool) -> Reading | None:
    cycles: list[tuple[datetime, datetime | None]] = []
    for e in events:
        if e.at < after:
            continue
        open_cycle = bool(cycles) and cycles[-1][1] is None
        if e.customer_message and not open_cycle:
            cycles.append((e.at, None))
        elif open_cycle and (e.staff_response or states.done(e.to_status)):
            cycles[-1] = (cycles[-1][0], e.at)
    if not cycles:
        return None
    readings = [_settle("next_response", spans(start, end, stop_when_done=False), end, clock, limit, now,
                        paused_now, done_now) for start, end in cycles]
    last = readings[-1]
    if last.status == "met" and any(r.status == "breached" for r in readings):
        return Reading(last.target, "breached", last.due_at, last.elapsed, last.met_at, limit, last.warn_at)
    return last


def _settle(name: str, runs: list[Span], end: datetime | None, clock: Clock, limit: int, now: datetime,
            paused_now: bool, done_now: bool, *, ongoing: bool | None = None) -> Reading:
    """Elapsed time, due time and warning time over the running stretches; the status they make."""
    still = end is None if ongoing is None else ongoing
    elapsed = sum(clock.seconds_between(a, b if b is not None else (end or now)) for a, b in runs
                  if (b if b is not None else (end or now)) > a)
    due = _reached(runs, limit, clock, now if still else (end or now), running=still and not paused_now)
    warn = _reached(runs, limit * WARNING_SHARE, clock, now if still else (end or now),
                    running=still and not paused_now)
    if not still:
        status = "met" if elapsed <= limit else "breached"
        return Reading(name, status, due, elapsed, end, limit, warn)
    if elapsed > limit or (due <= now and not paused_now):
        status = "breached"
    elif paused_now or done_now:
        status = "paused"
    else:
        status = "running"
    return Reading(name, status, due, elapsed, None, limit, warn)


def _reached(runs: list[Span], limit: float, clock: Clock, until: datetime, *, running: bool) -> datetime:
    """When the clock reaches `limit` seconds: within a past stretch, in the one running now, or —
    stopped or paused — where it would if it ran again from `until`."""
    elapsed = 0.0
    for a, b in runs:
        if b is None:  # running now, without end
            return clock.add(a, limit - elapsed) if running else clock.add(until, max(0.0, limit - elapsed))
        seg = clock.seconds_between(a, b) if b > a else 0.0
        if elapsed + seg >= limit:
            return clock.add(a, limit - elapsed)
        elapsed += seg
    return clock.add(until, max(0.0, limit - elapsed))
