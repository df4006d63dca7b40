"""Properties of `decide` over generated facts (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.calendar import HolidayCalendar
from shouhou.policy import (
    GROUNDS,
    STATUTORY_RULES,
    VEHICLE_FAULTS,
    Claim,
    Eligibility,
    Gift,
    LineFacts,
    SaleFacts,
    StorePolicy,
    decide,
)

CAL = HolidayCalendar()
ZONES = st.sampled_from([ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")])
SETTINGS = settings(max_examples=150, deadline=None)


Facts = tuple[LineFacts, SaleFacts, Claim, datetime]
MOSTLY = st.sampled_from([True, True, True, False])
RARELY = st.sampled_from([False, False, False, True])


def _instant(lo: datetime, hi: datetime) -> st.SearchStrategy[datetime]:
    return st.datetimes(lo, hi, timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    signed = draw(_instant(datetime(2025, 1, 1), datetime(2026, 10, 31)))

    def maybe(span: int) -> datetime | None:
        days = draw(st.none() | st.integers(0, span))
        return None if days is None else signed + timedelta(days=days)

    tags = draw(st.sets(st.sampled_from(["custom_made", "fresh", "digital_media", "periodical", "excluded_confirmed",
                                         "near_expiry", "sanbao", "vehicle", "installation_required"]), max_size=2))
    line = LineFacts(
        category=draw(st.sampled_from(["apparel", "化妆品", "home_appliance", "car", "books"])),
        tags=frozenset(tags), unit_price_fen=10000, paid_fen=draw(st.integers(0, 10_000_000)),
        warranty_months=draw(st.sampled_from([0, 6, 12, 24])), gifts=draw(st.sampled_from([(), (Gift("杯", 900),)])),
        invoice_at=signed - timedelta(days=1), depreciation_rate_per_day=draw(st.sampled_from([None, Decimal("0.001")])),
        usage_coefficient=draw(st.sampled_from([None, Decimal("0.005")])))
    received = draw(MOSTLY)
    sale = SaleFacts(
        channel=draw(st.sampled_from(["online", "tv", "phone", "mail", "store"])),
        free_shipping=draw(st.booleans()),
        shipped_at=draw(st.sampled_from([None, signed - timedelta(days=2)])),
        delivered_at=signed if received else None, signed_at=signed if received else None,
        installed_at=maybe(10), last_exchange_at=maybe(300),
        repair_days_total=draw(st.integers(0, 40)))
    claim = Claim(
        ground=draw(st.sampled_from(GROUNDS)), goods_intact=draw(MOSTLY), unsealed=draw(st.booleans()),
        misuse=draw(RARELY), prior_repairs=draw(st.integers(0, 6)), repair_days=draw(st.integers(0, 120)),
        parts_unavailable=draw(RARELY), mileage_km=draw(st.none() | st.integers(0, 70_000)),
        fault=draw(st.none() | st.sampled_from(sorted(VEHICLE_FAULTS))), received=received,
        refused_delivery=draw(RARELY), fundamental_breach=draw(RARELY),
        replacement_unavailable=draw(RARELY), prior_replacements=draw(st.integers(0, 3)))
    as_of = signed + timedelta(seconds=draw(st.integers(-86_400, 900 * 86_400)))
    return line, sale, claim, as_of


@st.composite
def policy_pairs(draw: st.DrawFn) -> tuple[StorePolicy, StorePolicy]:
    """A policy and one at least as generous in every window."""
    base = StorePolicy(no_reason_return_days=draw(st.integers(7, 20)), exchange_days=draw(st.integers(0, 20)),
                       quality_return_days=draw(st.integers(7, 20)), quality_exchange_days=draw(st.integers(15, 30)),
                       in_store_return_days=draw(st.integers(0, 10)), free_return_shipping=draw(st.booleans()))
    more = replace(base, **{f: getattr(base, f) + draw(st.integers(0, 15)) for f in (
        "no_reason_return_days", "exchange_days", "quality_return_days", "quality_exchange_days",
        "in_store_return_days")}, free_return_shipping=base.free_return_shipping or draw(st.booleans()))
    return base, more


def _decide(f: Facts, policy: StorePolicy, tz: ZoneInfo,
            as_of: datetime | None = None) -> Eligibility:
    line, sale, claim, when = f
    return decide(line, sale, claim, policy, as_of or when, tz=tz, calendar=CAL)


def _end(until: datetime | None) -> datetime:
    return until or datetime.max.replace(tzinfo=UTC)


@SETTINGS
@given(f=facts(), later=st.integers(0, 400 * 86_400), tz=ZONES)
def test_a_later_as_of_never_adds_a_remedy(f: Facts, later: int, tz: ZoneInfo) -> None:
    early = _decide(f, StorePolicy(), tz)
    late = _decide(f, StorePolicy(), tz, f[3] + timedelta(seconds=later))
    assert set(late.allowed) <= set(early.allowed)


@SETTINGS
@given(f=facts(), pair=policy_pairs(), tz=ZONES)
def test_a_more_generous_store_never_removes_a_remedy_nor_shortens_until(
        f: Facts, pair: tuple[StorePolicy, StorePolicy], tz: ZoneInfo) -> None:
    less, more = (_decide(f, p, tz) for p in pair)
    assert set(less.allowed) <= set(more.allowed)
    for remedy in less.allowed:
        assert _end(more.remedy(remedy).until) >= _end(less.remedy(remedy).until)


@SETTINGS
@given(f=facts(), tz=ZONES)
def test_until_is_end_of_local_day_and_matches_the_verdict(f: Facts, tz: ZoneInfo) -> None:
    eligibility = _decide(f, StorePolicy(), tz)
    as_of = f[3]
    assert [d.type for d in eligibility.remedies] == ["refund_only", "return_refund", "exchange", "repair"]
    for d in eligibility.remedies:
        if d.until is not None:
            assert d.until.astimezone(tz).time() == time(23, 59, 59)
        if d.allowed:
            assert d.refusal_code is None
            assert d.until is None or as_of <= d.until
        elif d.refusal_code == "window_expired":
            assert d.until is not None and as_of > d.until
        else:
            assert d.refusal_code == "not_eligible" and d.until is None
        assert all(b.rule == "STORE" or b.rule in STATUTORY_RULES for b in d.basis)
        assert all(x.rule in STATUTORY_RULES for x in d.deductions)
        assert d.message_zh and d.message_en
