"""A case's service levels: its policy, its clocks read from the event log, the `sla` of its document,
and the stored rows (`sla_clock`) that lists sort by and the sweep looks at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from shouhou.calendar.business import WALL_CLOCK
from shouhou.desk import clock as clocks
from shouhou.desk import hours
from shouhou.desk import repository as repo
from shouhou.desk.sla_policy import TARGETS, Policy, policies_of, policy_for
from shouhou.engine.context import Ctx
from shouhou.engine.registry import workflow_for
from shouhou.fields import local_iso
from shouhou.models import Case, Store
from shouhou.models.desk import SlaClock


@cache
def states_of(case_type: str) -> clocks.States:
    wf = workflow_for(case_type)
    by_name = {s.name: s for s in wf.states}
    return clocks.States(waits_on=lambda s: by_name[s].waits_on if s in by_name else None,
                         done=lambda s: s in by_name and (by_name[s].terminal or s == "resolved"))


def clock_maker(ctx: Ctx, store: Store) -> Callable[[bool], clocks.Clock]:
    business = hours.business_hours(ctx, store)
    return lambda is_business: business if is_business else WALL_CLOCK


def policy_of_case(ctx: Ctx, case: Case, store: Store, rows: list[SlaClock] | None = None) -> Policy | None:
    """The policy the case was opened under (kept on its clocks), else the first that matches now."""
    return _policy_named(ctx, case, store, rows[0].policy if rows else None)


def _policy_named(ctx: Ctx, case: Case, store: Store, named: str | None) -> Policy | None:
    if named:
        found = next((p for p in policies_of(ctx, store) if p.name == named), None)
        if found is not None:
            return found
    return policy_for(ctx, store, case.type, repo.customer_tier(ctx.session, case.customer_id), case.priority)


def events(ctx: Ctx, case: Case, extra: list[clocks.Event] | None = None) -> list[clocks.Event]:
    rows = repo.events_of(ctx.session, case.id)
    out = [clocks.Event(r.at, r.action, r.to_status, r.actor_role, r.visibility, clocks.says(r.payload),
                        first=i == 0) for i, r in enumerate(rows)]
    return out + (extra or [])


def readings(ctx: Ctx, case: Case, rows: list[SlaClock] | None = None) -> tuple[Policy | None, list[clocks.Reading]]:
    store = repo.store(ctx.session, case.store_id)
    if rows is None:
        policy = _policy_named(ctx, case, store, repo.clock_policy(ctx.session, case.id))
    else:
        policy = policy_of_case(ctx, case, store, rows)
    if policy is None:
        return None, []
    return policy, clocks.read(events(ctx, case), policy, states_of(case.type), clock_maker(ctx, store),
                               ctx.clock.now())


def sla_part(ctx: Ctx, case: Case) -> dict[str, Any]:
    """The `sla` of every case's document: each target's due time, status and elapsed time."""
    policy, found = readings(ctx, case)
    tz = repo.store(ctx.session, case.store_id).timezone
    out = []
    for r in found:
        target = policy.target(r.target) if policy else None
        out.append({"target": r.target, "due_at": local_iso(r.due_at, tz), "status": r.status,
                    "elapsed_business_seconds": int(r.elapsed), "policy": policy.name if policy else "",
                    "minutes": target.minutes if target else 0, "business": target.business if target else True})
    return {"sla": out}


def initial_rows(ctx: Ctx, case: Case, now: datetime) -> list[dict[str, Any]]:
    """The clocks of a new case, as rows: due from its opening, each looked at again when 75 % is used."""
    store = repo.store(ctx.session, case.store_id)
    policy = policy_for(ctx, store, case.type, repo.customer_tier(ctx.session, case.customer_id), case.priority)
    repo.opened_under(ctx.session, case.id, policy.name if policy else None)
    if policy is None:
        return []
    make = clock_maker(ctx, store)
    out = []
    for name in TARGETS:
        target = policy.target(name)
        if target is None:
            continue
        running = name != "next_response"  # that one starts when the customer writes again
        clock = make(target.business)
        out.append({"store_id": case.store_id, "case_id": case.id, "target": name, "policy": policy.name,
                    "minutes": target.minutes, "business": target.business,
                    "status": "running" if running else "idle",
                    "due_at": clock.add(now, target.seconds) if running else None, "elapsed_seconds": 0,
                    "met_at": None, "warned_at": None, "breached_at": None,
                    "check_at": clock.add(now, target.seconds * clocks.WARNING_SHARE) if running else None,
                    "updated_at": now})
    return out
