"""三包 escalation (SPEC §5, §7): what the repair history makes the unit entitled to now.

Every finished repair records its fault code. The policy engine is asked, with the facts the
history gives — repairs of the same performance failure in the period, days this repair has
taken, days waiting for parts, the vehicle fault — whether an exchange or a return is now due;
the case shows it with the rule, and `propose_exchange` / `propose_return` open the linked case.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from shouhou.db.cache import cache_of
from shouhou.engine.context import Ctx
from shouhou.models import Case, Store
from shouhou.models.repairs import RepairDetail
from shouhou.policy import RemedyDecision
from shouhou.policy.warranty import RepairFacts, days_in_repair, same_fault_repairs
from shouhou.policy.warranty import entitlements as warranty_entitlements
from shouhou.repairs import settings as repair_settings
from shouhou.units import service as units

OPEN_REPAIR = ("completed", "cancelled")


def facts(ctx: Ctx, case: Case, d: RepairDetail, tz: ZoneInfo) -> tuple[RepairFacts, int]:
    """(the claim's facts, days of this repair so far) from the detail and the unit's history."""
    unit = units.get(ctx, d.unit_id)  # type: ignore[arg-type]
    starts = units.assess(ctx, unit).starts
    fault = repair_settings.fault_codes(ctx, case.store_id).get(d.fault_code or "")
    counted = d.fault_code if (fault is None or fault.serious) else None
    prior = same_fault_repairs(units.past_repairs(ctx, unit, exclude_case_id=case.id), counted, since=starts,
                               current_result=d.result)
    end = d.finished_at or (case.closed_at if case.status in OPEN_REPAIR else None) or ctx.clock.now()
    days = days_in_repair(d.received_at or case.created_at, end, tz) if d.kind == "repair" else 0
    waiting = d.parts_wait_days + (days_in_repair(d.parts_waiting_since, ctx.clock.now(), tz)
                                   if d.parts_waiting_since else 0)
    return RepairFacts(prior_repairs=prior, repair_days=days, parts_unavailable=waiting > 0,
                       vehicle_fault=fault.vehicle_fault if fault else None), days


def assessment(ctx: Ctx, case: Case, d: RepairDetail) -> units.Assessment | None:
    """The policy engine's answer for the unit now, given its history (cached per case version)."""
    if d.unit_id is None or d.kind == "installation":
        return None

    def load() -> units.Assessment:
        tz = ZoneInfo(ctx.session.get_one(Store, case.store_id).timezone)
        found, days = facts(ctx, case, d, tz)
        return units.assess(ctx, units.get(ctx, d.unit_id), facts=found,  # type: ignore[arg-type]
                            extra_repair_days=days)

    return cache_of(ctx.session).get(("repair_assessment", case.id, case.version), load)


def entitlements(ctx: Ctx, case: Case, d: RepairDetail) -> list[dict[str, Any]]:
    """The exchange and return open to the customer now, each with its rule."""
    found = assessment(ctx, case, d)
    if found is None:
        return []
    return units.entitlements_document(ctx, found, ctx.session.get_one(Store, case.store_id).timezone)


def decision(ctx: Ctx, case: Case, d: RepairDetail, remedy: str) -> RemedyDecision | None:
    found = assessment(ctx, case, d)
    if found is None:
        return None
    return next((x for x in warranty_entitlements(found.eligibility) if x.type == remedy), None)
