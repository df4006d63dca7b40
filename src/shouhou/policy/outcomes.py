"""The building blocks the rule modules hand to the decision: options and refusals.

A rule module looks at the facts and says, per remedy, "this remedy is open during this
period, because of these rules" (an `Option`) or "this remedy is closed, because …" (a
`Refusal`). Only `decide` compares periods with the clock, so no module can make a
remedy depend on `as_of` (it is in the context only to compute amounts such as
depreciation): that is what makes a later `as_of` unable to add a remedy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shouhou.calendar import HolidayCalendar, Period, make_period
from shouhou.policy.decision import Basis, Deduction, Note
from shouhou.policy.facts import Claim, LineFacts, SaleFacts
from shouhou.policy.store_policy import StorePolicy


@dataclass(frozen=True)
class Option:
    remedy: str
    basis: tuple[Basis, ...]
    period: Period | None  # None: no time limit applies (or none can be computed)
    label_zh: str  # names the window in "…已于…结束", e.g. "七天无理由退货期"
    label_en: str  # e.g. "the 7-day no-reason window"
    deductions: tuple[Deduction, ...] = ()
    needs_review: bool = False
    primary: bool = True  # stems from the claim's own ground (see decide._judge)


@dataclass(frozen=True)
class Refusal:
    remedy: str
    basis: tuple[Basis, ...]
    message_zh: str
    message_en: str
    primary: bool = True


Outcome = Option | Refusal | Note


@dataclass(frozen=True)
class Ctx:
    """The facts of one decision, with the store policy already narrowed to the category."""

    line: LineFacts
    sale: SaleFacts
    claim: Claim
    policy: StorePolicy
    tz: ZoneInfo
    calendar: HolidayCalendar
    as_of: datetime  # only for amounts (depreciation); windows are judged in `decide`
    use_workday_extension: bool = True

    def period(self, start: datetime, *, days: int = 0, months: int = 0, extra_days: int = 0) -> Period:
        calendar = self.calendar if self.use_workday_extension else None
        return make_period(start, self.tz, calendar, days=days, months=months, extra_days=extra_days)

    def has(self, tag: str) -> bool:
        return self.line.has(tag)


def refuse(remedies: tuple[str, ...] | str, basis: tuple[Basis, ...], zh: str, en: str) -> list[Outcome]:
    """The same refusal for several remedies."""
    names = (remedies,) if isinstance(remedies, str) else remedies
    return [Refusal(r, basis, zh, en) for r in names]
