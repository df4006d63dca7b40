"""Store policy on top of the law, shipping (SPEC §4.6) and refund-only semantics."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from shouhou.policy import Claim, Eligibility, RemedyDecision, StorePolicy
from tests.policy.builders import APPLIANCE, at, line, online
from tests.policy.table import Check, Row, check_row, params

R, X, F, RO = "return_refund", "exchange", "repair", "refund_only"
NOT_SHIPPED = online(None, shipped_at=None)
IN_TRANSIT = online(None)


def ships(outbound: str, return_: str) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert (d.shipping.outbound, d.shipping.return_) == (outbound, return_), d.shipping
    return check


def review(expected: bool) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert d.needs_review is expected
    return check


def refund_due(days: int) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert d.refund_due_within_days == days
    return check


def label(zh: str) -> Check:
    def check(d: RemedyDecision, _: Eligibility) -> None:
        assert d.message_zh.startswith(zh), d.message_zh
    return check


GENEROUS = StorePolicy(no_reason_return_days=15, free_return_shipping=True)
BY_CATEGORY = StorePolicy(category_overrides=MappingProxyType({
    "apparel": {"no_reason_return_days": 30},
    "books": {"exchange_days": 0},
}))

ROWS = [
    # A store more generous than the law.
    Row("store 15-day return adds days", R, at("2026-03-14 10:00"), True, "2026-03-17", rule="STORE", policy=GENEROUS),
    Row("store 15-day return still cites the law", R, at("2026-03-05 10:00"), True, "2026-03-17", rule="CPL-25",
        policy=GENEROUS),
    Row("store 15-day return ends", R, at("2026-03-18 10:00"), False, "2026-03-17", "window_expired", "STORE",
        policy=GENEROUS, check=label("15天无理由退货期已于2026-03-17结束")),
    Row("store free return shipping", R, at("2026-03-05 10:00"), True, "2026-03-17", policy=GENEROUS,
        check=ships("buyer", "merchant")),
    Row("store quality return widened for 三包", R, at("2026-03-14 10:00"), True, "2026-03-17", rule="STORE",
        line=APPLIANCE, claim=Claim(ground="quality"), policy=StorePolicy(quality_return_days=15)),
    Row("store refund faster than the law", R, at("2026-03-05 10:00"), True, "2026-03-09",
        policy=StorePolicy(refund_due_days=3), check=refund_due(3)),
    Row("refund due within the statutory 7 days", R, at("2026-03-05 10:00"), True, "2026-03-09", check=refund_due(7)),
    Row("in-store sale with the store's own return promise", R, at("2026-03-05 10:00"), True, "2026-03-09",
        rule="STORE", sale=online(channel="store"), policy=StorePolicy(in_store_return_days=7)),
    Row("an unvalidated stingy policy cannot cut statutory rights", R, at("2026-03-09 20:00"), True, "2026-03-09",
        rule="CPL-25", policy=StorePolicy(no_reason_return_days=3, refund_due_days=10), check=refund_due(7)),
    # No-reason exchange: a store promise with no statutory floor.
    Row("no-reason exchange within the store window", X, at("2026-03-16 10:00"), True, "2026-03-17", rule="STORE"),
    Row("no-reason exchange after the store window", X, at("2026-03-18 10:00"), False, "2026-03-17",
        "window_expired", "STORE"),
    Row("no-reason exchange excludes custom-made goods", X, at("2026-03-05 10:00"), False, None, rule="CPL-25",
        line=line(tags=frozenset({"custom_made"}))),
    # Per-category overrides.
    Row("category override widens apparel to 30 days", R, at("2026-03-25 10:00"), True, "2026-04-01", rule="STORE",
        policy=BY_CATEGORY),
    Row("category override leaves books at 7 days", R, at("2026-03-25 10:00"), False, "2026-03-09",
        "window_expired", line=line(category="books"), policy=BY_CATEGORY),
    Row("category override removes exchange for books", X, at("2026-03-05 10:00"), False, None, rule="STORE",
        line=line(category="books"), policy=BY_CATEGORY),
    # Shipping (SPEC §4.6).
    Row("no quality, free-shipping order: each side pays its leg", X, at("2026-03-05 10:00"), True, "2026-03-17",
        sale=online(free_shipping=True), check=ships("merchant", "buyer")),
    Row("no quality, paid shipping: buyer pays both", R, at("2026-03-05 10:00"), True, "2026-03-09",
        check=ships("buyer", "buyer")),
    Row("quality problem on a free-shipping order: merchant pays both", X, at("2026-03-05 10:00"), True,
        "2028-03-02", sale=online(free_shipping=True), claim=Claim(ground="quality"), check=ships("merchant", "merchant")),
    # Seed 004: "如在发货后说明费用由买家承担" — free shipping or not (issue 22, item 2).
    Row("refused after shipment on a free-shipping order: the buyer pays", RO, at("2026-03-01 10:00"), True, None,
        rule="STORE", sale=online(None, free_shipping=True), claim=Claim(received=False, refused_delivery=True),
        check=ships("buyer", "buyer")),
    Row("refused after shipment because the merchant shipped late: the merchant pays", RO, at("2026-03-01 10:00"),
        True, None, sale=online(None), claim=Claim(ground="merchant", received=False, refused_delivery=True),
        check=ships("merchant", "merchant")),
    Row("refused after asking to cancel before shipment", RO, at("2026-03-01 10:00"), True, None,
        sale=online(None), claim=Claim(received=False, refused_delivery=True, asked_before_shipment=True),
        check=ships("merchant", "merchant")),
    # Refund only.
    Row("not shipped: refund only", RO, at("2026-03-01 10:00"), True, None, rule="STORE", sale=NOT_SHIPPED,
        claim=Claim(received=False), check=review(False)),
    Row("lost in transit: refund only after review", RO, at("2026-03-20 10:00"), True, None, rule="ECL-20",
        sale=IN_TRANSIT, claim=Claim(received=False), check=review(True)),
    Row("received with a quality problem: agreed refund only", RO, at("2026-03-20 10:00"), True, None, rule="STORE",
        claim=Claim(ground="quality"), check=review(True)),
    Row("received without a reason: no refund only", RO, at("2026-03-05 10:00"), False, None, rule="STORE"),
    Row("no free repair without a quality problem", F, at("2026-03-05 10:00"), False, None, rule="CPL-24",
        line=APPLIANCE),
]


@pytest.mark.parametrize("row", params(ROWS))
def test_store_shipping_refund(row: Row) -> None:
    check_row(row)


def test_the_tables_have_at_least_60_named_cases() -> None:
    from tests.policy import test_table_no_reason, test_table_quality

    rows = (test_table_no_reason.ROWS + test_table_quality.SANBAO_ROWS + test_table_quality.VEHICLE_ROWS
            + test_table_quality.CPL24_ROWS + ROWS)
    assert len(rows) >= 60
    assert len({r.name for r in rows}) == len(rows)
