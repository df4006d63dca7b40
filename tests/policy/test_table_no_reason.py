"""No-reason returns (消费者权益保护法 Art. 25, 2017 measures): windows, boundaries, exclusions."""

from __future__ import annotations

from datetime import date

import pytest

from shouhou.calendar import HolidayCalendar
from shouhou.policy import Claim, Eligibility, Gift, RemedyDecision, SaleFacts
from tests.policy.builders import APPAREL, NY, at, line, online
from tests.policy.table import Check, Row, check_row, params


def notes(*codes: str) -> Check:
    def check(_: RemedyDecision, e: Eligibility) -> None:
        assert {n.code for n in e.notes} >= set(codes), e.notes
    return check


def no_basis(rule: str) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert rule not in [b.rule for b in d.basis]
    return check


def deductions(*expected: tuple[str, int | None, str]) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert [(x.kind, x.amount_fen, x.rule) for x in d.deductions] == list(expected), d.deductions
    return check


def message(zh: str, en: str) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert d.message_zh == zh and d.message_en == en, (d.message_zh, d.message_en)
    return check


R = "return_refund"
NATIONAL_DAY = online(at("2026-09-24 10:00"))  # +7 days = 10-01, a holiday
MAKEUP_SATURDAY = online(at("2026-10-03 10:00"))  # +7 days = Saturday 10-10, a make-up working day
LEAP = online(at("2028-02-22 10:00"))  # +7 days = 2028-02-29; chinese_calendar has no 2028

ROWS = [
    Row("day 7 allowed", R, at("2026-03-09 20:00"), True, "2026-03-09", rule="CPL-25"),
    Row("day 7 last second allowed", R, at("2026-03-09 23:59:59"), True, "2026-03-09", rule="NRR-2017-10"),
    Row("day 8 first second expired", R, at("2026-03-10 00:00"), False, "2026-03-09", "window_expired", "CPL-25"),
    Row("day 8 expired with message", R, at("2026-03-10 09:00"), False, "2026-03-09", "window_expired",
        check=message("七天无理由退货期已于2026-03-09结束", "the 7-day no-reason window ended on 2026-03-09")),
    Row("sign-for 23:50 local, sign-for day not counted", R, at("2026-03-08 12:00"), True, "2026-03-08",
        sale=online(at("2026-03-01 23:50")), extension=False),
    Row("sign-for 23:50 local expires after day 7", R, at("2026-03-09 00:00"), False, "2026-03-08", "window_expired",
        sale=online(at("2026-03-01 23:50")), extension=False,
        check=message("七天无理由退货期已于2026-03-08结束", "the 7-day no-reason window ended on 2026-03-08")),
    Row("sign-for 00:30 local is the previous day in UTC", R, at("2026-03-09 22:00"), True, "2026-03-09",
        sale=online(at("2026-03-02 00:30"))),
    Row("sign-for 23:50 New York, UTC already next day, across DST", R, at("2026-03-08 23:00", NY), True,
        "2026-03-08", sale=online(at("2026-03-01 23:50", NY)), tz=NY, extension=False),
    Row("sign-for 23:50 New York, next morning expired", R, at("2026-03-09 00:01", NY), False, "2026-03-08",
        "window_expired", sale=online(at("2026-03-01 23:50", NY)), tz=NY, extension=False),
    Row("Sunday last day extended to Monday", R, at("2026-03-09 12:00"), True, "2026-03-09", rule="CIVIL-203",
        sale=online(at("2026-03-01 23:50"))),
    Row("National Day last day extended to first workday", R, at("2026-10-08 18:00"), True, "2026-10-08",
        rule="CIVIL-203", sale=NATIONAL_DAY),
    Row("National Day extension ends on the workday", R, at("2026-10-09 08:00"), False, "2026-10-08",
        "window_expired", "CIVIL-203", sale=NATIONAL_DAY),
    Row("extension switched off ends on the holiday", R, at("2026-10-02 08:00"), False, "2026-10-01",
        "window_expired", sale=NATIONAL_DAY, extension=False, check=no_basis("CIVIL-203")),
    Row("make-up working Saturday is not extended", R, at("2026-10-10 22:00"), True, "2026-10-10",
        sale=MAKEUP_SATURDAY, check=no_basis("CIVIL-203")),
    Row("make-up working Saturday, Sunday is too late", R, at("2026-10-11 09:00"), False, "2026-10-10",
        "window_expired", sale=MAKEUP_SATURDAY),
    Row("leap day 2028-02-29 on the weekday fallback", R, at("2028-02-29 21:00"), True, "2028-02-29", rule="CPL-25",
        sale=LEAP, check=notes("holiday_data_missing")),
    Row("leap day declared a rest day by override", R, at("2028-03-01 10:00"), True, "2028-03-01", rule="CIVIL-203",
        sale=LEAP, calendar=HolidayCalendar({date(2028, 2, 29): False})),
    Row("custom-made excluded", R, at("2026-03-03 10:00"), False, None, rule="NRR-2017-6",
        line=line(tags=frozenset({"custom_made"}))),
    Row("fresh excluded", R, at("2026-03-03 10:00"), False, None, rule="CPL-25", line=line(tags=frozenset({"fresh"}))),
    Row("periodical excluded", R, at("2026-03-03 10:00"), False, None, rule="NRR-2017-6",
        line=line(tags=frozenset({"periodical"}))),
    Row("unsealed digital media excluded", R, at("2026-03-03 10:00"), False, None, rule="NRR-2017-6",
        line=line(tags=frozenset({"digital_media"})), claim=Claim(unsealed=True)),
    Row("sealed digital media returnable", R, at("2026-03-03 10:00"), True, "2026-03-09", rule="CPL-25",
        line=line(tags=frozenset({"digital_media"}))),
    Row("confirmed exclusion on cosmetics holds", R, at("2026-03-03 10:00"), False, None, rule="NRR-2017-7",
        line=line(category="化妆品", tags=frozenset({"excluded_confirmed"}))),
    Row("confirmed exclusion on apparel is void", R, at("2026-03-03 10:00"), True, "2026-03-09", rule="CPL-25",
        line=line(tags=frozenset({"excluded_confirmed"})), check=notes("exclusion_not_by_nature")),
    Row("confirmed exclusion of disclosed near-expiry goods holds", R, at("2026-03-03 10:00"), False, None,
        rule="NRR-2017-7", line=line(tags=frozenset({"excluded_confirmed", "near_expiry"}))),
    Row("used, not intact", R, at("2026-03-03 10:00"), False, None, rule="NRR-2017-8", claim=Claim(goods_intact=False)),
    Row("opened to inspect is still intact", R, at("2026-03-03 10:00"), True, "2026-03-09",
        claim=Claim(goods_intact=True)),
    Row("in-store sale has no no-reason return", R, at("2026-03-03 10:00"), False, None, rule="CPL-25",
        sale=SaleFacts(channel="store", signed_at=at("2026-03-02 10:00"))),
    Row("TV shopping is a distance sale", R, at("2026-03-03 10:00"), True, "2026-03-09", rule="CPL-25",
        sale=online(channel="tv")),
    Row("not received: nothing to return", R, at("2026-03-03 10:00"), False, None, rule="CPL-25",
        sale=online(None, shipped_at=None), claim=Claim(received=False)),
    Row("gifts must come back or are deducted", R, at("2026-03-05 10:00"), True, "2026-03-09", rule="CPL-25",
        line=line(APPAREL, gifts=(Gift("保温杯", 2900), "帆布袋")),
        check=deductions(("gift", 2900, "NRR-2017-13"), ("gift", None, "NRR-2017-13"))),
]


@pytest.mark.parametrize("row", params(ROWS))
def test_no_reason_return(row: Row) -> None:
    check_row(row)
