"""Quality remedies: 三包 catalogue goods, household vehicles, and 消费者权益保护法 Art. 24."""

from __future__ import annotations

import pytest

from shouhou.policy import Claim, Eligibility, RemedyDecision, SaleFacts
from tests.policy.builders import APPAREL, APPLIANCE, CAR, at, line, online
from tests.policy.table import Check, Row, check_row, params

Q = Claim(ground="quality")
R, X, F = "return_refund", "exchange", "repair"
RESTART = online(at("2025-01-10 10:00"), last_exchange_at=at("2025-12-01 10:00"))
NO_RESTART = online(at("2025-01-10 10:00"))


def deductions(*expected: tuple[str, int | None, str]) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert [(x.kind, x.amount_fen, x.rule) for x in d.deductions] == list(expected), d.deductions
    return check


def merchant_pays_both(d: RemedyDecision, _: Eligibility) -> None:
    assert (d.shipping.outbound, d.shipping.return_) == ("merchant", "merchant"), d.shipping


def buyer_pays_both(d: RemedyDecision, _: Eligibility) -> None:
    assert (d.shipping.outbound, d.shipping.return_) == ("buyer", "buyer"), d.shipping


SANBAO_ROWS = [
    Row("三包 day 7 return", R, at("2026-03-09 12:00"), True, "2026-03-09", rule="SANBAO-9", line=APPLIANCE, claim=Q),
    Row("三包 day 7 repair too", F, at("2026-03-09 12:00"), True, "2027-03-02", rule="SANBAO-FREE-REPAIR",
        line=APPLIANCE, claim=Q),
    Row("三包 day 8 return expired", R, at("2026-03-10 09:00"), False, "2026-03-09", "window_expired", "SANBAO-9",
        line=APPLIANCE, claim=Q),
    Row("三包 day 8 exchange only", X, at("2026-03-10 09:00"), True, "2026-03-17", rule="SANBAO-10",
        line=APPLIANCE, claim=Q),
    Row("三包 day 8 no same model: full return", R, at("2026-03-10 09:00"), True, "2026-03-17", rule="SANBAO-13",
        line=APPLIANCE, claim=Claim(ground="quality", replacement_unavailable=True), check=deductions()),
    Row("三包 day 16 exchange expired", X, at("2026-03-18 09:00"), False, "2026-03-17", "window_expired", "SANBAO-10",
        line=APPLIANCE, claim=Q),
    Row("三包 day 16 repair only", F, at("2026-03-18 09:00"), True, "2027-03-02", rule="SANBAO-FREE-REPAIR",
        line=APPLIANCE, claim=Q, check=merchant_pays_both),
    Row("三包 second failed repair: exchange", X, at("2026-08-03 10:00"), True, "2027-03-02", rule="SANBAO-11",
        line=APPLIANCE, claim=Claim(ground="quality", prior_repairs=2)),
    Row("三包 second failed repair: return less depreciation", R, at("2026-08-03 10:00"), True, "2027-03-02",
        rule="SANBAO-13", line=APPLIANCE, claim=Claim(ground="quality", prior_repairs=2),
        check=deductions(("depreciation", 46500, "SANBAO-13"))),  # 155 days × 0.1 % × 3,000.00
    Row("三包 no same model: return without depreciation", R, at("2026-08-03 10:00"), True, "2027-03-02",
        rule="SANBAO-13", line=APPLIANCE,
        claim=Claim(ground="quality", prior_repairs=2, replacement_unavailable=True), check=deductions()),
    Row("三包 one repair is not enough", X, at("2026-08-03 10:00"), False, "2026-03-17", "window_expired",
        line=APPLIANCE, claim=Claim(ground="quality", prior_repairs=1)),
    Row("三包 repair beyond 30 days: exchange", X, at("2026-08-03 10:00"), True, "2027-03-02", rule="SANBAO-12",
        line=APPLIANCE, claim=Claim(ground="quality", repair_days=31)),
    Row("三包 parts unavailable 91 days: exchange", X, at("2026-08-03 10:00"), True, "2027-03-02", rule="SANBAO-12",
        line=APPLIANCE, claim=Claim(ground="quality", parts_unavailable=True, repair_days=91)),
    Row("三包 parts unavailable 60 days: not yet", X, at("2026-08-03 10:00"), False, "2026-03-17", "window_expired",
        line=APPLIANCE, claim=Claim(ground="quality", parts_unavailable=True, repair_days=60)),
    Row("三包 warranty expired", F, at("2027-03-03 09:00"), False, "2027-03-02", "window_expired",
        "SANBAO-FREE-REPAIR", line=APPLIANCE, claim=Q),
    Row("三包 repair time does not count", F, at("2027-03-10 09:00"), True, "2027-03-22", rule="CPL-IMPL-2024-18",
        line=APPLIANCE, sale=online(repair_days_total=20), claim=Q),
    Row("三包 counts from seller installation", R, at("2026-03-11 20:00"), True, "2026-03-12", rule="CPL-IMPL-2024-18",
        line=line(APPLIANCE, tags=frozenset({"sanbao", "installation_required"})),
        sale=online(installed_at=at("2026-03-05 10:00")), claim=Q),
    Row("三包 not yet installed: the clock has not started", R, at("2026-03-20 10:00"), True, None,
        rule="CPL-IMPL-2024-18", line=line(APPLIANCE, tags=frozenset({"sanbao", "installation_required"})), claim=Q),
    Row("三包 period restarts after an exchange", F, at("2026-06-01 10:00"), True, "2026-12-01", rule="SANBAO-14",
        line=APPLIANCE, sale=RESTART, claim=Q),
    Row("三包 without the exchange it had expired", F, at("2026-06-01 10:00"), False, "2026-01-12",
        "window_expired", "CIVIL-203", line=APPLIANCE, sale=NO_RESTART, claim=Q),
    Row("三包 misuse voids free repair", F, at("2026-03-05 10:00"), False, None, rule="SANBAO-EXCLUSIONS",
        line=APPLIANCE, claim=Claim(ground="quality", misuse=True, goods_intact=False), check=buyer_pays_both),
    Row("三包 misuse voids the 7-day return", R, at("2026-03-05 10:00"), False, None, rule="SANBAO-EXCLUSIONS",
        line=APPLIANCE, claim=Claim(ground="quality", misuse=True, goods_intact=False)),
    Row("三包 falls back to the invoice date", R, at("2026-03-08 20:00"), True, "2026-03-08", rule="SANBAO-8",
        line=APPLIANCE, sale=SaleFacts(channel="store"), claim=Q, extension=False),
]

VEHICLE_ROWS = [
    Row("vehicle brake failure day 30: exchange", X, at("2026-04-01 10:00"), True, "2026-05-06",
        rule="VEHICLE-2021-23", line=CAR, claim=Claim(ground="quality", fault="brake_failure", mileage_km=2000)),
    Row("vehicle 60 days ends on May Day: extended", R, at("2026-05-06 10:00"), True, "2026-05-06", rule="CIVIL-203",
        line=CAR, claim=Claim(ground="quality", fault="brake_failure", mileage_km=2000)),
    Row("vehicle brake failure beyond 3000 km", X, at("2026-04-01 10:00"), False, None, rule="VEHICLE-2021-23",
        line=CAR, claim=Claim(ground="quality", fault="brake_failure", mileage_km=3500)),
    Row("vehicle brake failure after 60 days", R, at("2026-05-11 10:00"), False, "2026-05-06", "window_expired",
        "VEHICLE-2021-23", line=CAR, claim=Claim(ground="quality", fault="brake_failure", mileage_km=2000)),
    Row("vehicle engine in the first week: return", R, at("2026-03-07 10:00"), True, "2026-03-09",
        rule="VEHICLE-2021-22", line=CAR, claim=Claim(ground="quality", fault="engine", mileage_km=200)),
    Row("vehicle engine day 20: assembly replaced", F, at("2026-03-22 10:00"), True, "2029-03-02",
        rule="VEHICLE-2021-20", line=CAR, claim=Claim(ground="quality", fault="engine", mileage_km=900)),
    Row("vehicle engine day 20: no return", R, at("2026-03-22 10:00"), False, "2026-03-09", "window_expired",
        "VEHICLE-2021-22", line=CAR, claim=Claim(ground="quality", fault="engine", mileage_km=900)),
    Row("vehicle serious fault twice repaired: exchange less usage fee", X, at("2026-09-01 10:00"), True,
        "2028-03-02", rule="VEHICLE-2021-24", line=CAR,
        claim=Claim(ground="quality", fault="serious_safety", prior_repairs=2, mileage_km=12000),
        check=deductions(("usage_compensation", 1_200_000, "VEHICLE-2021-27"))),  # 200,000 × 12 × 0.5 %
    Row("vehicle over 30 days in repair: return", R, at("2026-09-01 10:00"), True, "2028-03-22",
        rule="VEHICLE-2021-24", line=CAR, sale=online(repair_days_total=20),
        claim=Claim(ground="quality", fault="other", repair_days=11, mileage_km=12000)),
    Row("vehicle same problem repaired 5 times: exchange", X, at("2026-09-01 10:00"), True, "2028-03-02",
        rule="VEHICLE-2021-24", line=CAR, claim=Claim(ground="quality", fault="other", prior_repairs=5, mileage_km=9000)),
    Row("vehicle repeated failures beyond 50,000 km", X, at("2026-09-01 10:00"), False, None, rule="VEHICLE-2021-24",
        line=CAR, claim=Claim(ground="quality", fault="serious_safety", prior_repairs=2, mileage_km=51000)),
    Row("vehicle repair beyond 60,000 km", F, at("2026-09-01 10:00"), False, None, rule="VEHICLE-2021-18",
        line=CAR, claim=Claim(ground="quality", fault="other", mileage_km=61000)),
    Row("vehicle misuse", F, at("2026-04-01 10:00"), False, None, rule="VEHICLE-2021-32", line=CAR,
        claim=Claim(ground="quality", fault="other", misuse=True, goods_intact=False, mileage_km=2000)),
]

CPL24_ROWS = [
    Row("quality day 5 return", R, at("2026-03-07 10:00"), True, "2026-03-09", rule="CPL-24", claim=Q,
        check=merchant_pays_both),
    Row("quality day 10 return expired", R, at("2026-03-12 10:00"), False, "2026-03-09", "window_expired", "CPL-24",
        claim=Q),
    Row("quality day 10 exchange within 2 years", X, at("2026-03-12 10:00"), True, "2028-03-02", rule="CIVIL-621",
        claim=Q),
    Row("quality guarantee period replaces the 2 years", F, at("2026-03-12 10:00"), True, "2026-09-02",
        rule="CIVIL-621", line=line(APPAREL, warranty_months=6), claim=Q),
    Row("quality defeats the purpose: late return", R, at("2026-03-12 10:00"), True, "2028-03-02", rule="CIVIL-563",
        claim=Claim(ground="quality", fundamental_breach=True)),
    Row("quality claim but customer damage", F, at("2026-03-05 10:00"), False, None, rule="CPL-24",
        claim=Claim(ground="quality", misuse=True, goods_intact=False)),
    Row("damaged in transit: seller's risk", R, at("2026-03-05 10:00"), True, "2026-03-09", rule="ECL-20",
        claim=Claim(ground="damaged_in_transit"), check=merchant_pays_both),
    Row("not as described on 三包 goods uses Art. 24", X, at("2026-03-20 10:00"), True, "2027-03-02",
        rule="CIVIL-621", line=APPLIANCE, claim=Claim(ground="not_as_described")),
]


@pytest.mark.parametrize("row", params(SANBAO_ROWS + VEHICLE_ROWS + CPL24_ROWS))
def test_quality_remedy(row: Row) -> None:
    check_row(row)
