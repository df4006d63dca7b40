"""A product in the customer's hands, as the service department sees it (SPEC §5).

- `warranty`: is a repair free now, until when, and why: the 三包 (or quality-guarantee)
  repair remedy of `decide` for a quality claim, with the unit's days in repair excluded
  and an exchange restarting the period (实施条例 2024 Art. 18, SANBAO-14).
- `entitlements`: the exchange or return the customer may now ask for instead of (another)
  repair: within 7/15 days, or after failed repairs, a repair beyond the time limit, parts
  unavailable beyond the limit, and the vehicle rules — each with the rule.
- `same_fault_repairs`, `days_in_repair`: the facts those rules read, from a unit's history.
- `service_type`: seed 000 (六) — C 免费服务 under warranty, B 合同服务 under a valid
  contract, otherwise A 有费服务 — with the rule that decided it.

Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shouhou.calendar import HolidayCalendar, local_date
from shouhou.policy.decide import decide
from shouhou.policy.decision import Basis, Eligibility, RemedyDecision
from shouhou.policy.facts import Claim, LineFacts, SaleFacts
from shouhou.policy.store_policy import StorePolicy

SERVICE_TYPES = ("paid", "contract", "warranty")  # A, B, C of seed 000 (六); D is a work log, not a case
FAILED_REPAIRS = 2  # SANBAO-11, VEHICLE-2021-24
# Rules that make an exchange or a return a consequence of repairs gone wrong, rather than of
# the first days after the sale.
ESCALATION_RULES = frozenset({"SANBAO-11", "SANBAO-12", "SANBAO-13", "VEHICLE-2021-22", "VEHICLE-2021-23",
                              "VEHICLE-2021-24"})

# Why a repair is of its service type; shown after the type's name, so they do not repeat it.
SERVICE_RULES = {
    "SERVICE-A": ("A 类：不在保修期内，也无有效服务合同，按价目表收取服务费用",
                  "class A: out of warranty and under no valid contract, charged by the price list"),
    "SERVICE-B": ("B 类：依商品保养合同书的规定提供服务", "class B: as the service contract provides"),
    "SERVICE-C": ("C 类：在免费保证期间内，免收服务费用", "class C: within the free warranty period, free of charge"),
    "SERVICE-INSTALL": ("经营者负责安装的商品，安装调试随商品提供",
                        "goods the seller installs: installation comes with the sale"),
}


@dataclass(frozen=True)
class PastRepair:
    """A finished repair of the unit: its fault, whether that fault stops normal use, its result."""

    fault_code: str | None
    finished_at: datetime
    result: str  # fixed | not_fixable
    serious: bool = True  # a performance failure (性能故障), not a cosmetic or adjustment matter


@dataclass(frozen=True)
class RepairFacts:
    """What the repair history says, for a claim about `fault_code` now."""

    misuse: bool = False
    prior_repairs: int = 0
    repair_days: int = 0  # the current repair so far
    parts_unavailable: bool = False
    vehicle_fault: str | None = None
    mileage_km: int | None = None

    def claim(self) -> Claim:
        return Claim(ground="quality", misuse=self.misuse, prior_repairs=self.prior_repairs,
                     repair_days=self.repair_days, parts_unavailable=self.parts_unavailable,
                     fault=self.vehicle_fault, mileage_km=self.mileage_km)


@dataclass(frozen=True)
class Warranty:
    covered: bool
    until: datetime | None
    basis: tuple[Basis, ...]
    message_zh: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class ServiceTypeDecision:
    type: str
    basis: tuple[Basis, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ContractFacts:
    """A service contract (合同服务) covering the unit: its number and its period, in local dates."""

    no: str
    starts_on: date
    ends_on: date
    active: bool = True

    def valid_on(self, day: date) -> bool:
        return self.active and self.starts_on <= day <= self.ends_on


def evaluate(line: LineFacts, sale: SaleFacts, facts: RepairFacts, policy: StorePolicy, as_of: datetime, *,
             tz: ZoneInfo, calendar: HolidayCalendar, use_workday_extension: bool = True) -> Eligibility:
    """Every remedy for a quality failure of the unit now."""
    return decide(line, sale, facts.claim(), policy, as_of, tz=tz, calendar=calendar,
                  use_workday_extension=use_workday_extension)


def warranty(eligibility: Eligibility) -> Warranty:
    repair = eligibility.remedy("repair")
    return Warranty(covered=repair.allowed, until=repair.until, basis=tuple(repair.basis),
                    message_zh=repair.message_zh, message_en=repair.message_en)


def entitlements(eligibility: Eligibility, *, escalation_only: bool = False) -> list[RemedyDecision]:
    """The exchange and return open to the customer now; with `escalation_only`, only those the
    repair history opened (not the first 7/15 days after the sale)."""
    out = []
    for remedy in ("exchange", "return_refund"):
        d = eligibility.remedy(remedy)
        if d.allowed and (not escalation_only or any(b.rule in ESCALATION_RULES for b in d.basis)):
            out.append(d)
    return out


def same_fault_repairs(history: Sequence[PastRepair], fault_code: str | None, *, since: datetime | None,
                       current_result: str | None = None) -> int:
    """SANBAO-11's count: repairs of the same performance failure within the period that did not
    cure it — every earlier one (the unit came back with the same fault) and, once finished
    `not_fixable`, the current one."""
    if not fault_code:
        return 0
    earlier = sum(1 for r in history if r.fault_code == fault_code and r.serious
                  and (since is None or r.finished_at >= since))
    return earlier + (1 if current_result == "not_fixable" else 0)


def days_in_repair(start: datetime, end: datetime, tz: ZoneInfo) -> int:
    """Whole days a unit spent in repair (修理占用), counted in local dates: handed in and given
    back the same day is 0; Monday to Wednesday is 2."""
    return max(0, (local_date(end, tz) - local_date(start, tz)).days)


def service_type(cover: Warranty | None, contract: ContractFacts | None, as_of: datetime, tz: ZoneInfo, *,
                 installation_included: bool = False) -> ServiceTypeDecision:
    """Seed 000 (六): warranty first (nothing to pay), then a valid contract, then paid."""
    if installation_included:
        return ServiceTypeDecision("warranty", (_basis("SERVICE-INSTALL"),))
    if cover is not None and cover.covered:
        return ServiceTypeDecision("warranty", (_basis("SERVICE-C"), *cover.basis))
    day = local_date(as_of, tz)
    if contract is not None and contract.valid_on(day):
        zh, en = SERVICE_RULES["SERVICE-B"]
        return ServiceTypeDecision("contract", (Basis("SERVICE-B", f"{zh}(合同 {contract.no}，有效期至"
                                                                   f"{contract.ends_on.isoformat()})",
                                                      f"{en} (contract {contract.no}, valid until "
                                                      f"{contract.ends_on.isoformat()})"),))
    basis: tuple[Basis, ...] = (_basis("SERVICE-A"),)
    if cover is not None and cover.basis:
        basis += cover.basis[:1]
    return ServiceTypeDecision("paid", basis)


def _basis(rule: str) -> Basis:
    zh, en = SERVICE_RULES[rule]
    return Basis(rule, zh, en)
