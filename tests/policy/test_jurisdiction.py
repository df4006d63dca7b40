"""Adding a jurisdiction: a rule table, floors and a gather function are all decide needs."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from shouhou.errors import Invalid
from shouhou.policy import Basis, Claim, Floor, Jurisdiction, Rule, StorePolicy, decide, validate_store_policy
from shouhou.policy.outcomes import Ctx, Option, Outcome
from tests.policy.builders import APPAREL, CAL, SH, at, online, run

TOY_RULES = MappingProxyType({"TOY-9": Rule("TOY-9", "Toy Consumer Code", "Art. 9", "十四天撤回", "14-day withdrawal")})
TOY_FLOORS = (Floor("no_reason_return_days", "at_least", 14, "TOY-9", "十四天撤回", "the 14-day withdrawal"),)


def toy_gather(ctx: Ctx) -> list[Outcome]:
    start = ctx.sale.received_at
    assert start is not None
    return [Option("return_refund", (Basis("TOY-9", "十四天内可撤回", "withdrawal within 14 days"),),
                   ctx.period(start, days=14), "十四天撤回期", "the 14-day withdrawal period")]


TOY = Jurisdiction(code="TOY", rules=TOY_RULES, floors=TOY_FLOORS, gather=toy_gather)


class TestAnotherJurisdiction:
    def test_decide_judges_what_the_jurisdiction_gathers(self) -> None:
        e = run(APPAREL, online(), Claim(), at("2026-03-14 10:00"))
        assert not e.remedy("return_refund").allowed  # 7 days in mainland China
        toy = decide(APPAREL, online(), Claim(), StorePolicy(), at("2026-03-14 10:00"), tz=SH, calendar=CAL,
                     jurisdiction=TOY)
        got = toy.remedy("return_refund")
        assert got.allowed and [b.rule for b in got.basis] == ["TOY-9"]
        assert toy.remedy("exchange").refusal_code == "not_eligible"

    def test_its_floors_validate_store_policies(self) -> None:
        with pytest.raises(Invalid) as caught:
            validate_store_policy(StorePolicy(no_reason_return_days=10), floors=TOY_FLOORS)
        assert caught.value.details["rule"] == "TOY-9"
        assert TOY.cap("no_reason_return_days", 10) == 14
