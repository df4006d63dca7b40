"""The service department's questions to the policy engine: is this repair free, until when, and
has the repair history opened an exchange or a return (policy/warranty.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.policy import StorePolicy
from shouhou.policy.warranty import (
    ContractFacts,
    PastRepair,
    RepairFacts,
    days_in_repair,
    entitlements,
    evaluate,
    same_fault_repairs,
    service_type,
    warranty,
)
from tests.policy.builders import APPLIANCE, CAL, SH, at, online

DELIVERED = at("2026-03-02 10:00")
SALE = online(DELIVERED)


def judge(as_of: datetime, facts: RepairFacts = RepairFacts(), line=APPLIANCE, sale=SALE):
    return evaluate(line, sale, facts, StorePolicy(), as_of, tz=SH, calendar=CAL)


class TestWarranty:
    @pytest.mark.parametrize(("name", "as_of", "sale", "covered", "until"), [
        ("within the 12-month 三包 period", at("2026-09-01 10:00"), SALE, True, "2027-03-02"),
        ("on its last day", at("2027-03-02 23:00"), SALE, True, "2027-03-02"),
        ("the day after", at("2027-03-03 09:00"), SALE, False, "2027-03-02"),
        ("30 days in repair do not count", at("2027-03-20 09:00"), replace(SALE, repair_days_total=30), True,
         "2027-04-01"),
        ("an exchange restarts the period", at("2027-05-01 09:00"),
         replace(SALE, last_exchange_at=at("2026-12-01 10:00")), True, "2027-12-01"),
        ("installation by the seller starts it", at("2027-03-10 09:00"),
         replace(SALE, installed_at=at("2026-03-20 15:00")), True, "2027-03-22"),
    ], ids=lambda v: v if isinstance(v, str) else "")
    def test_it_decides_free_repair_by_the_三包_period(self, name, as_of, sale, covered, until):
        # given a 三包 appliance delivered on 2026-03-02 with a 12-month period
        # when a repair is asked for at `as_of`
        w = warranty(judge(as_of, sale=sale))
        # then it is free until the period's (possibly extended) end, citing the rules
        assert w.covered is covered, name
        assert w.until is not None and w.until.astimezone(SH).date().isoformat() == until, (name, w.until)
        if covered:
            assert "SANBAO-FREE-REPAIR" in [b.rule for b in w.basis]

    def test_it_refuses_misuse(self):
        w = warranty(judge(at("2026-05-01 10:00"), RepairFacts(misuse=True)))
        assert not w.covered and [b.rule for b in w.basis] == ["SANBAO-EXCLUSIONS"]


class TestEntitlements:
    def test_it_offers_the_15_day_exchange_but_not_as_an_escalation(self):
        e = judge(at("2026-03-10 10:00"))
        assert {d.type for d in entitlements(e)} == {"exchange"}  # day 8: the 7-day return is over
        assert entitlements(e, escalation_only=True) == []

    def test_it_offers_an_exchange_after_two_failed_repairs(self):
        # given a unit still failing after two repairs of the same fault, months after the sale
        e = judge(at("2026-08-01 10:00"), RepairFacts(prior_repairs=2))
        found = {d.type: d for d in entitlements(e, escalation_only=True)}
        # then an exchange or a return (less depreciation) is due, under SANBAO-11
        assert set(found) == {"exchange", "return_refund"}
        assert "SANBAO-11" in [b.rule for b in found["exchange"].basis]
        assert found["return_refund"].deductions[0].kind == "depreciation"

    def test_it_offers_an_exchange_when_the_repair_takes_over_30_days(self):
        e = judge(at("2026-08-01 10:00"), RepairFacts(repair_days=31))
        assert "SANBAO-12" in [b.rule for d in entitlements(e, escalation_only=True) for b in d.basis]

    def test_it_waits_90_days_for_parts(self):
        assert entitlements(judge(at("2026-08-01 10:00"), RepairFacts(repair_days=60, parts_unavailable=True)),
                            escalation_only=True) == []
        assert entitlements(judge(at("2026-08-01 10:00"), RepairFacts(repair_days=91, parts_unavailable=True)),
                            escalation_only=True) != []

    def test_it_offers_nothing_after_one_repair(self):
        assert entitlements(judge(at("2026-08-01 10:00"), RepairFacts(prior_repairs=1)), escalation_only=True) == []


class TestSameFaultRepairs:
    T = at("2026-04-01 10:00")

    @pytest.mark.parametrize(("name", "history", "fault", "current", "expected"), [
        ("none before", [], "no_cooling", None, 0),
        ("one before, same fault", [PastRepair("no_cooling", T, "fixed")], "no_cooling", None, 1),
        ("one before, finished unfixed now", [PastRepair("no_cooling", T, "fixed")], "no_cooling", "not_fixable", 2),
        ("another fault does not count", [PastRepair("noise", T, "fixed")], "no_cooling", None, 0),
        ("a cosmetic fault does not count", [PastRepair("no_cooling", T, "fixed", serious=False)], "no_cooling",
         None, 0),
        ("before the period does not count", [PastRepair("no_cooling", at("2026-02-01 10:00"), "fixed")],
         "no_cooling", None, 0),
        ("no fault code, nothing to compare", [PastRepair(None, T, "fixed")], None, "not_fixable", 0),
    ], ids=lambda v: v if isinstance(v, str) else "")
    def test_it_counts_repairs_of_the_same_performance_failure_in_the_period(self, name, history, fault, current,
                                                                            expected):
        assert same_fault_repairs(history, fault, since=DELIVERED, current_result=current) == expected, name


class TestDaysInRepair:
    @pytest.mark.parametrize(("start", "end", "days"), [
        ("2026-03-02 10:00", "2026-03-02 18:00", 0),
        ("2026-03-02 23:30", "2026-03-03 00:30", 1),
        ("2026-03-02 10:00", "2026-03-04 09:00", 2),
    ])
    def test_it_counts_local_calendar_days(self, start, end, days):
        assert days_in_repair(at(start), at(end), SH) == days

    @given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=86_399))
    def test_it_is_never_negative_and_adds_up(self, minutes, extra):
        start = at("2026-03-02 00:00") + timedelta(seconds=extra)
        mid = start + timedelta(minutes=minutes)
        end = mid + timedelta(minutes=minutes)
        assert days_in_repair(start, end, SH) == days_in_repair(start, mid, SH) + days_in_repair(mid, end, SH)
        assert days_in_repair(end, start, SH) == 0


class TestServiceType:
    NOW = at("2026-09-01 10:00")
    CONTRACT = ContractFacts("HT1", date(2026, 1, 1), date(2026, 12, 31))

    def test_it_is_free_under_warranty(self):
        d = service_type(warranty(judge(self.NOW)), self.CONTRACT, self.NOW, SH)
        assert d.type == "warranty" and d.basis[0].rule == "SERVICE-C"

    def test_it_is_contract_service_out_of_warranty_under_a_valid_contract(self):
        d = service_type(warranty(judge(at("2027-06-01 10:00"))), self.CONTRACT, self.NOW, SH)
        assert d.type == "contract" and d.basis[0].rule == "SERVICE-B" and "HT1" in d.basis[0].text_en

    def test_it_is_paid_otherwise(self):
        later = at("2027-06-01 10:00")
        d = service_type(warranty(judge(later)), self.CONTRACT, later, SH)
        assert d.type == "paid" and d.basis[0].rule == "SERVICE-A"
        assert service_type(None, replace(self.CONTRACT, active=False), self.NOW, SH).type == "paid"

    def test_it_installs_free_what_the_seller_installs(self):
        assert service_type(None, None, self.NOW, SH, installation_included=True).type == "warranty"
