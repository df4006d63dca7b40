"""Mainland China: which rule modules apply to which claim, in which order."""

from __future__ import annotations

from dataclasses import replace

from shouhou.policy.consumer_law import general_quality, no_reason_return
from shouhou.policy.decision import Basis
from shouhou.policy.jurisdiction import Jurisdiction
from shouhou.policy.outcomes import Ctx, Option, Outcome, Refusal, refuse
from shouhou.policy.refund_only import refund_only
from shouhou.policy.rules_cn import STATUTORY_RULES
from shouhou.policy.sanbao import sanbao
from shouhou.policy.store_policy import STATUTORY_FLOORS
from shouhou.policy.store_remedies import no_reason_exchange
from shouhou.policy.vehicle import vehicle


def gather(ctx: Ctx) -> list[Outcome]:
    """Every option and refusal the rules produce for these facts (independent of `as_of`)."""
    quality = ctx.claim.quality
    out: list[Outcome] = []
    out += refund_only(ctx)
    # Quality rules first: on equal dates the more specific clause is the one cited.
    out += _quality(ctx)
    # For a quality claim the no-reason routes are a fallback: they may allow a remedy but
    # do not explain a refusal when the claim's own rules have something to say.
    out += [_secondary(o) if quality else o for o in (*no_reason_return(ctx), *no_reason_exchange(ctx))]
    return out


def _quality(ctx: Ctx) -> list[Outcome]:
    ground = ctx.claim.ground
    if ground == "damaged_in_transit":
        return general_quality(ctx, transit=True)
    if ground == "quality" and ctx.has("vehicle"):
        return vehicle(ctx)
    if ground == "quality" and ctx.has("sanbao"):
        return sanbao(ctx)
    if ctx.claim.quality:  # not as described, or a quality problem outside the 三包 catalogue
        return general_quality(ctx)
    return refuse("repair", (Basis("CPL-24", "免费修理以商品不符合质量要求为前提",
                                   "a free repair needs goods that do not meet quality requirements"),),
                  "未申报质量问题，不适用免费维修，可有偿维修", "no quality problem claimed: no free repair (a paid one is possible)")


def _secondary(outcome: Outcome) -> Outcome:
    return replace(outcome, primary=False) if isinstance(outcome, Option | Refusal) else outcome


CN = Jurisdiction(code="CN", rules=STATUTORY_RULES, floors=STATUTORY_FLOORS, gather=gather)
