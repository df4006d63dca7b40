"""The row format of the decision tables: inputs, then what to expect of one remedy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from shouhou.calendar import HolidayCalendar
from shouhou.policy import STATUTORY_RULES, Claim, Eligibility, LineFacts, RemedyDecision, SaleFacts, StorePolicy
from tests.policy.builders import APPAREL, CAL, SH, online, run

Check = Callable[[RemedyDecision, Eligibility], None]


@dataclass(frozen=True)
class Row:
    name: str
    remedy: str
    as_of: datetime
    allowed: bool
    until: str | None  # local date of `until`, or None
    code: str | None = None  # refusal_code
    rule: str | None = None  # a rule id the basis must cite
    line: LineFacts = APPAREL
    sale: SaleFacts = field(default_factory=online)
    claim: Claim = field(default_factory=Claim)
    policy: StorePolicy = field(default_factory=StorePolicy)
    tz: ZoneInfo = SH
    calendar: HolidayCalendar = CAL
    extension: bool = True
    check: Check | None = None


def params(rows: list[Row]) -> list[object]:
    names = [r.name for r in rows]
    assert len(names) == len(set(names)), "row names must be unique"
    return [pytest.param(r, id=r.name) for r in rows]


def check_row(row: Row) -> None:
    eligibility = run(row.line, row.sale, row.claim, row.as_of, row.policy, tz=row.tz, calendar=row.calendar,
                      extension=row.extension)
    got = eligibility.remedy(row.remedy)
    summary = f"{got.allowed=} {got.until=} {got.refusal_code=} rules={[b.rule for b in got.basis]} {got.message_en!r}"
    assert got.allowed is row.allowed, summary
    if row.until is None:
        assert got.until is None, summary
    else:
        assert got.until is not None, summary
        local = got.until.astimezone(row.tz)
        assert local.date() == date.fromisoformat(row.until), summary
        assert local.time() == time(23, 59, 59), summary
    assert got.refusal_code == (None if row.allowed else row.code or "not_eligible"), summary
    if row.rule is not None:
        assert row.rule in [b.rule for b in got.basis], summary
    for basis in got.basis:
        assert basis.rule == "STORE" or basis.rule in STATUTORY_RULES, f"unknown rule {basis.rule}"
    assert got.message_zh and got.message_en
    if row.check is not None:
        row.check(got, eligibility)
